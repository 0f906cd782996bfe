using Console.Workflows.Dashboards.Figures;
using Console.Workflows.Notifications.Planning;
using Console.Workflows.Requests;
using Marten;
using Wolverine;

namespace Console.Workflows.Notifications.Relaying;

/// <summary>Turns relayed events and scheduled checks into notices: read the state, plan (pure), record and queue.</summary>
public static class NotifyHandler
{
    /// <summary>A single relayed event, as stored before <see cref="RequestNoticeRelay"/> took a page at a time.</summary>
    public static Task Handle(
        NotifyRequest message, IDocumentSession session, IMessageContext bus, NotificationOptions options, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(time);
        return TellAsync(session, bus, [message], options, time.GetUtcNow(), ct);
    }

    /// <summary>
    /// Plans and records what people are told of these request events, reading each request, the people and the
    /// existing notices once for all of them; schedules the escalation of a request that starts waiting for approvals.
    /// </summary>
    public static async Task TellAsync(
        IDocumentSession session, IMessageBus bus, IReadOnlyList<NotifyRequest> moments, NotificationOptions options, DateTimeOffset now,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(moments);
        ArgumentNullException.ThrowIfNull(options);
        var requests = (await session.LoadManyAsync<ChangeRequest>(ct, moments.Select(m => m.RequestId).Distinct())).ToDictionary(r => r.Id);
        var people = moments.Any(m => NotificationPlanner.ConcernsPeopleByRole(m.Moment)) ? await NoticeRecorder.PeopleAsync(session, ct) : [];
        var planned = new List<(string Cause, PlannedNotice Plan)>();
        foreach (var moment in moments)
        {
            if (!requests.TryGetValue(moment.RequestId, out var request))
                continue;
            planned.AddRange(NotificationPlanner.ForRequest(request, moment.Moment, moment.Detail, people, options.ConsoleBaseUrl)
                .Select(p => (moment.Cause, p)));
            if (moment.Moment is RequestMoment.Submitted or RequestMoment.Amended && request.Status == RequestStatus.PendingApproval)
                await bus.ScheduleAsync(
                    new EscalateRequest(request.Id, request.ContentDigest),
                    NotificationPlanner.EscalationAt(now, request.ExpiresAt, options.EscalateBeforeExpiry));
        }

        await NoticeRecorder.RecordAsync(session, bus, planned, options, now, ct);
    }

    public static async Task Handle(
        EscalateRequest message, IDocumentSession session, IMessageContext bus, NotificationOptions options, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        // An amendment scheduled an escalation of its own content.
        if (await session.LoadAsync<ChangeRequest>(message.RequestId, ct) is not { } request || request.ContentDigest != message.ContentDigest)
            return;
        var people = await NoticeRecorder.PeopleAsync(session, ct);
        var planned = NotificationPlanner.ForRequest(request, RequestMoment.NearingExpiry, null, people, options.ConsoleBaseUrl);
        await NoticeRecorder.RecordAsync(session, bus, $"escalate:{request.Id:N}:{request.ContentDigest}", planned, options, time.GetUtcNow(), ct);
    }

    public static async Task Handle(
        NotifyAlert message, IDocumentSession session, IMessageContext bus, NotificationOptions options, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var people = await NoticeRecorder.PeopleAsync(session, ct);
        var planned = NotificationPlanner.ForAlert(message.Title, message.Detail, people, message.Link);
        await NoticeRecorder.RecordAsync(session, bus, message.Cause, planned, options, time.GetUtcNow(), ct);
    }

    public static async Task Handle(
        CheckOverdueSnapshots message, IDocumentSession session, IMessageContext bus, RetentionReader retention,
        NotificationOptions options, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(retention);
        ArgumentNullException.ThrowIfNull(options);
        var now = time.GetUtcNow();
        var overdue = (await retention.ReadAsync(ct)).Overdue;
        var last = await session.LoadAsync<OverdueNoticeState>(OverdueNoticeState.Key, ct);
        if (overdue == 0 || (last is not null && last.Count == overdue && now - last.At < options.OverdueRepeatAfter))
        {
            if (overdue == 0 && last is { Count: > 0 })
                session.Store(last with { Count = 0, At = now });
            return;
        }

        var people = await NoticeRecorder.PeopleAsync(session, ct);
        var planned = NotificationPlanner.ForOverdue(overdue, people, options.ConsoleBaseUrl);
        await NoticeRecorder.RecordAsync(session, bus, $"overdue:{now:yyyyMMddHHmm}:{overdue}", planned, options, now, ct);
        session.Store(new OverdueNoticeState(OverdueNoticeState.Key, overdue, now));
    }
}
