namespace Console.Workflows.Notifications.Planning;

/// <summary>Which channels a notice goes through for this person, with the address of each, or why it is only recorded.</summary>
public static class NoticeChannels
{
    public static IReadOnlyList<NoticeDelivery> For(NotificationProfile profile, string? defaultMailDomain, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var deliveries = new List<NoticeDelivery>();
        if (profile.ByEmail)
        {
            var address = profile.EmailAddress
                          ?? (string.IsNullOrWhiteSpace(defaultMailDomain) ? null : $"{profile.UserId}@{defaultMailDomain.Trim()}");
            deliveries.Add(address is null
                ? new NoticeDelivery(NoticeChannel.Email, null, DeliveryStatus.NotSent, "No e-mail address: give one on your profile page.", now)
                : new NoticeDelivery(NoticeChannel.Email, address, DeliveryStatus.Pending, "Queued.", now));
        }

        if (profile.ByWebhook && profile.WebhookUrl is { } url)
            deliveries.Add(new NoticeDelivery(NoticeChannel.Webhook, url, DeliveryStatus.Pending, "Queued.", now));
        return deliveries;
    }
}
