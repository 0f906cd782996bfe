namespace Console.Workflows.Notifications;

/// <summary>
/// A person chose how the console tells them of what concerns them. The console always records each notice (the profile
/// page lists them); e-mail and the webhook are the channels it is also sent through.
/// </summary>
public sealed record NotificationChannelsChosen(
    string UserId, bool ByEmail, string? EmailAddress, bool ByWebhook, string? WebhookUrl, string By, DateTimeOffset At);

/// <summary>A person's channel choice as their events made it; one stream per person (<see cref="IdFor"/>).</summary>
public sealed record NotificationProfile(
    Guid Id, string UserId, bool ByEmail, string? EmailAddress, bool ByWebhook, string? WebhookUrl, string ChosenBy, DateTimeOffset ChosenAt)
{
    public int Version { get; init; }

    public static Guid IdFor(string userId) =>
        Common.NameBasedGuid.From("notification-profile:" + (userId ?? "").Trim().ToLowerInvariant());

    public static NotificationProfile Create(NotificationChannelsChosen e) =>
        new(IdFor(e.UserId), e.UserId, e.ByEmail, e.EmailAddress, e.ByWebhook, e.WebhookUrl, e.By, e.At);

    public NotificationProfile Apply(NotificationChannelsChosen e) =>
        this with
        {
            ByEmail = e.ByEmail, EmailAddress = e.EmailAddress, ByWebhook = e.ByWebhook, WebhookUrl = e.WebhookUrl,
            ChosenBy = e.By, ChosenAt = e.At,
        };

    /// <summary>Someone who never chose: e-mail on, to the address the configured mail domain gives them (if any).</summary>
    public static NotificationProfile Default(string userId) =>
        new(IdFor(userId), userId, true, null, false, null, "default", DateTimeOffset.MinValue);
}
