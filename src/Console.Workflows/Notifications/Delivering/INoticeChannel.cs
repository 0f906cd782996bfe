using Console.Workflows.Notifications.Planning;

namespace Console.Workflows.Notifications.Delivering;

/// <summary>What a channel did with a notice: sent, not sent (nothing configured), or refused for good by the receiver.</summary>
public sealed record ChannelResult(DeliveryStatus Status, string Detail)
{
    public static ChannelResult Delivered(string detail) => new(DeliveryStatus.Sent, detail);

    public static ChannelResult NotConfigured(string reason) => new(DeliveryStatus.NotSent, reason);

    /// <summary>The receiver refused it in a way retrying cannot cure (HTTP 4xx: a revoked or wrong webhook address).</summary>
    public static ChannelResult Refused(string reason) => new(DeliveryStatus.Failed, reason);
}

/// <summary>
/// The port a channel adapter implements (e-mail over SMTP, signed webhooks). A failure worth retrying (server down,
/// HTTP 5xx, timeout) is thrown; the durable outbox tries again on the configured schedule.
/// </summary>
public interface INoticeChannel
{
    NoticeChannel Channel { get; }

    Task<ChannelResult> SendAsync(Notice notice, string address, CancellationToken ct);
}
