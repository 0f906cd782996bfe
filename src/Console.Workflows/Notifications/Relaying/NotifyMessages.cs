using Console.Workflows.Notifications.Planning;

namespace Console.Workflows.Notifications.Relaying;

/// <summary>A request event people are told of, relayed from the event store; <paramref name="Cause"/> is the event's id.</summary>
public sealed record NotifyRequest(Guid RequestId, RequestMoment Moment, string? Detail, string Cause);

/// <summary>Scheduled when a request starts waiting for approvals: escalate if it is still short of its quorum.</summary>
public sealed record EscalateRequest(Guid RequestId, string ContentDigest);

/// <summary>A fork, refused evidence or a broken audit log, for security officers.</summary>
public sealed record NotifyAlert(string Title, string Detail, string Link, string Cause);

/// <summary>One occurrence of the managers' overdue check (Wolverine's recurring schedule publishes one per interval).</summary>
public sealed record CheckOverdueSnapshots(DateTimeOffset Occurrence);

/// <summary>What managers were last told about overdue snapshots, so an unchanged count is not repeated every hour.</summary>
public sealed record OverdueNoticeState(string Id, long Count, DateTimeOffset At)
{
    public const string Key = "overdue-snapshots";
}
