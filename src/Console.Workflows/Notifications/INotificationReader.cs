using Console.Workflows.Notifications.Planning;
using Marten;

namespace Console.Workflows.Notifications;

/// <summary>What the profile page shows: the person's channel choice and the notices the console recorded for them.</summary>
public interface INotificationReader
{
    /// <summary>The person's profile (a default one, version 0, when they never chose).</summary>
    Task<NotificationProfile> ProfileAsync(string userId, CancellationToken ct = default);

    Task<IReadOnlyList<Notice>> RecentAsync(string userId, int take = 50, CancellationToken ct = default);
}

public sealed class MartenNotificationReader(IQuerySession session) : INotificationReader
{
    public async Task<NotificationProfile> ProfileAsync(string userId, CancellationToken ct = default) =>
        await session.LoadAsync<NotificationProfile>(NotificationProfile.IdFor(userId), ct) ?? NotificationProfile.Default(userId);

    public async Task<IReadOnlyList<Notice>> RecentAsync(string userId, int take = 50, CancellationToken ct = default) =>
        await session.Query<Notice>().Where(n => n.RecipientId == userId).OrderByDescending(n => n.At).Take(Math.Clamp(take, 1, 200)).ToListAsync(ct);
}
