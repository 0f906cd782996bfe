namespace Console.Workflows.Notifications.Planning;

public enum NoticeTopic
{
    ApprovalNeeded = 0,
    RequestApproved = 1,
    RequestRejected = 2,
    RequestCompleted = 3,
    RequestFailed = 4,
    ApprovalEscalation = 5,
    SecurityAlert = 6,
    OverdueSnapshots = 7,
}

public enum NoticeChannel
{
    Email = 0,
    Webhook = 1,
}

public enum DeliveryStatus
{
    /// <summary>Handed to the durable outbox; being sent (or retried).</summary>
    Pending = 0,
    Sent = 1,
    /// <summary>Recorded only: the person gave no address, or the console has no server for the channel configured.</summary>
    NotSent = 2,
    /// <summary>Every attempt failed; the last error is kept.</summary>
    Failed = 3,
}

/// <summary>What the console tells one person, and why it concerns them (which slot they fill, which role they hold).</summary>
public sealed record PlannedNotice(string RecipientId, NoticeTopic Topic, string Subject, string Text, string Why, string? Link);

public sealed record NoticeDelivery(NoticeChannel Channel, string? Address, DeliveryStatus Status, string Detail, DateTimeOffset At)
{
    public int Attempts { get; init; }
}

/// <summary>
/// One notice as recorded for its recipient (a document; the profile page lists them) with each channel's delivery.
/// Its id comes from what caused it and who receives it, so a repeated relay never tells anybody twice.
/// </summary>
public sealed record Notice(
    Guid Id, string RecipientId, NoticeTopic Topic, string Subject, string Text, string Why, string? Link, string Cause,
    DateTimeOffset At, IReadOnlyList<NoticeDelivery> Deliveries)
{
    public static Guid IdFor(string cause, string recipientId) =>
        Common.NameBasedGuid.From($"notice:{cause}:{recipientId.Trim().ToLowerInvariant()}");

    public Notice With(NoticeChannel channel, Func<NoticeDelivery, NoticeDelivery> change) =>
        this with { Deliveries = [.. Deliveries.Select(d => d.Channel == channel ? change(d) : d)] };
}
