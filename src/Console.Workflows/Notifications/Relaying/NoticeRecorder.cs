using Console.Workflows.Accounts;
using Console.Workflows.Common;
using Console.Workflows.Notifications.Delivering;
using Console.Workflows.Notifications.Planning;
using Marten;
using Wolverine;

namespace Console.Workflows.Notifications.Relaying;

/// <summary>Records planned notices with their channels and hands each delivery to the durable outbox, in one transaction.</summary>
public static class NoticeRecorder
{
    /// <summary>The people the console knows: enabled accounts of the built-in provider, as actors with their roles and groups.</summary>
    public static async Task<IReadOnlyList<Actor>> PeopleAsync(IQuerySession session, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        var accounts = await session.Query<UserAccount>().Where(a => !a.Disabled).ToListAsync(ct);
        return [.. accounts.OrderBy(a => a.UserName, StringComparer.Ordinal).Select(a =>
            new Actor(a.UserName, a.DisplayName, a.Roles.ToHashSet(StringComparer.Ordinal)) { Groups = a.Groups.ToHashSet(StringComparer.Ordinal) })];
    }

    public static Task<int> RecordAsync(
        IDocumentSession session, IMessageBus bus, string cause, IReadOnlyList<PlannedNotice> planned, NotificationOptions options,
        DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(planned);
        return RecordAsync(session, bus, [.. planned.Select(p => (cause, p))], options, now, ct);
    }

    /// <summary>
    /// Stores the notices not yet recorded (a notice's id is its cause and recipient) and queues their pending
    /// deliveries; reads the existing notices and the recipients' profiles once for all of them.
    /// </summary>
    public static async Task<int> RecordAsync(
        IDocumentSession session, IMessageBus bus, IReadOnlyList<(string Cause, PlannedNotice Plan)> planned, NotificationOptions options,
        DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(planned);
        ArgumentNullException.ThrowIfNull(options);
        if (planned.Count == 0)
            return 0;
        var ids = planned.Select(p => Notice.IdFor(p.Cause, p.Plan.RecipientId)).ToList();
        var batch = session.CreateBatchQuery();
        var existingRead = batch.LoadMany<Notice>().ById(ids.ToArray());
        var profilesRead = batch.LoadMany<NotificationProfile>().ById(planned.Select(p => NotificationProfile.IdFor(p.Plan.RecipientId)).Distinct().ToArray());
        await batch.Execute(ct);
        var existing = (await existingRead).Select(n => n.Id).ToHashSet();
        var profiles = (await profilesRead).ToDictionary(p => p.Id);

        var recorded = 0;
        foreach (var ((cause, plan), id) in planned.Zip(ids))
        {
            if (!existing.Add(id))
                continue;
            var profile = profiles.GetValueOrDefault(NotificationProfile.IdFor(plan.RecipientId)) ?? NotificationProfile.Default(plan.RecipientId);
            var notice = new Notice(id, plan.RecipientId, plan.Topic, plan.Subject, plan.Text, plan.Why, plan.Link, cause, now,
                NoticeChannels.For(profile, options.DefaultMailDomain, now));
            session.Store(notice);
            foreach (var delivery in notice.Deliveries.Where(d => d.Status == DeliveryStatus.Pending))
                await bus.PublishAsync(new DeliverNotice(id, delivery.Channel));
            recorded++;
        }

        return recorded;
    }
}
