using Console.Workflows.Dashboards.Figures;
using Console.Workflows.Notifications.Planning;
using Console.Workflows.Requests;
using Marten;
using Wolverine;

namespace Console.Workflows.Notifications.Relaying;

/// <summary>Turns relayed events and scheduled checks into notices: read the state, plan (pure), record and queue.</summary>
public static class NotifyHandler
{
    public static async Task Handle(
        NotifyRequest message, IDocumentSession session, IMessageContext bus, NotificationOptions options, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        if (await session.LoadAsync<ChangeRequest>(message.RequestId, ct) is not { } request)
            return;
        var now = time.GetUtcNow();
        var people = await NoticeRecorder.PeopleAsync(session, ct);
        var planned = NotificationPlanner.ForRequest(request, message.Moment, message.Detail, people, options.ConsoleBaseUrl);
        await NoticeRecorder.RecordAsync(session, bus, message.Cause, planned, options, now, ct);

        if (message.Moment is RequestMoment.Submitted or RequestMoment.Amended && request.Status == RequestStatus.PendingApproval)
            await bus.ScheduleAsync(
                new EscalateRequest(request.Id, request.ContentDigest),
                NotificationPlanner.EscalationAt(now, request.ExpiresAt, options.EscalateBeforeExpiry));
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
