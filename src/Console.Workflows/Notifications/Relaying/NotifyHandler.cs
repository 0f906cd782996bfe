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
        // Alone, a message that cannot be planned fails as before: Wolverine retries it, then dead-letters it.
        return TellAsync(session, bus, [message], options, time.GetUtcNow(), (_, e) => throw new InvalidOperationException(
            $"The notices of request {message.RequestId} ({message.Moment}) could not be planned.", e), ct);
    }

    /// <summary>
    /// Plans and records what people are told of these request events, reading each request, the people and the
    /// existing notices once for all of them; schedules the escalation of a request that starts waiting for approvals.
    /// A moment the planner fails on goes to <paramref name="cannotPlan"/> and the others are told all the same.
    /// </summary>
    public static async Task TellAsync(
        IDocumentSession session, IMessageBus bus, IReadOnlyList<NotifyRequest> moments, NotificationOptions options, DateTimeOffset now,
        Func<NotifyRequest, Exception, Task> cannotPlan, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(moments);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(cannotPlan);
        var requests = (await session.LoadManyAsync<ChangeRequest>(ct, moments.Select(m => m.RequestId).Distinct())).ToDictionary(r => r.Id);
        var people = moments.Any(m => NotificationPlanner.ConcernsPeopleByRole(m.Moment)) ? await NoticeRecorder.PeopleAsync(session, ct) : [];
        var (planned, unplannable) = Plan(moments, requests,
            (request, moment) => NotificationPlanner.ForRequest(request, moment.Moment, moment.Detail, people, options.ConsoleBaseUrl));
        foreach (var (moment, error) in unplannable)
            await cannotPlan(moment, error);
        var setAside = unplannable.Select(u => u.Moment).ToHashSet();
        foreach (var moment in moments.Where(m => !setAside.Contains(m)))
        {
            if (requests.TryGetValue(moment.RequestId, out var request)
                && moment.Moment is RequestMoment.Submitted or RequestMoment.Amended && request.Status == RequestStatus.PendingApproval)
                await bus.ScheduleAsync(
                    new EscalateRequest(request.Id, request.ContentDigest),
                    NotificationPlanner.EscalationAt(now, request.ExpiresAt, options.EscalateBeforeExpiry));
        }

        await NoticeRecorder.RecordAsync(session, bus, planned, options, now, ct);
    }

    /// <summary>
    /// The notices of each moment whose request is known, by <paramref name="planner"/>, each with its moment's cause; a
    /// moment the planner throws on is set aside with its error, so one request that cannot be planned (a defect) holds
    /// up nobody else's notices. A moment whose request is unknown plans nothing.
    /// </summary>
    public static (List<(string Cause, PlannedNotice Plan)> Planned, List<(NotifyRequest Moment, Exception Error)> Unplannable) Plan(
        IReadOnlyList<NotifyRequest> moments, IReadOnlyDictionary<Guid, ChangeRequest> requests,
        Func<ChangeRequest, NotifyRequest, IReadOnlyList<PlannedNotice>> planner)
    {
        ArgumentNullException.ThrowIfNull(moments);
        ArgumentNullException.ThrowIfNull(requests);
        ArgumentNullException.ThrowIfNull(planner);
        var planned = new List<(string Cause, PlannedNotice Plan)>();
        var unplannable = new List<(NotifyRequest Moment, Exception Error)>();
        foreach (var moment in moments)
        {
            if (!requests.TryGetValue(moment.RequestId, out var request))
                continue;
            try
            {
                planned.AddRange(planner(request, moment).Select(p => (moment.Cause, p)));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                unplannable.Add((moment, e));
            }
        }

        return (planned, unplannable);
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
