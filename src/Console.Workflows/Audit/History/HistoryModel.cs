namespace Console.Workflows.Audit.History;

/// <summary>What part of the console an event belongs to; the history filters and colours by it.</summary>
public enum HistoryCategory
{
    Request,
    Approval,
    Execution,
    Snapshot,
    Inventory,
    Policy,
    Access,
    Integrity,
    Continuity,
    Attestation,
    Other,
}

/// <summary>
/// One event of the store as the security history shows it: when, what, who, and what it concerned (request, VNF,
/// trust domains, environments), in one line of words plus the free text people wrote (justifications, reasons).
/// </summary>
public sealed record HistoryEntry(
    long Seq,
    DateTimeOffset At,
    string EventType,
    HistoryCategory Category,
    string? ActorId,
    string? ActorName,
    Guid? RequestId,
    Guid? VnfId,
    string? VnfName,
    IReadOnlyList<Guid> TrustDomainIds,
    IReadOnlyList<Guid> EnvironmentIds,
    string Summary,
    string? Details,
    Guid StreamId,
    long StreamVersion)
{
    /// <summary>Who, for people: the name when the history knows it, else the id.</summary>
    public string Actor => ActorName ?? ActorId ?? "";
}

/// <summary>
/// The history's filters. Each one alone is served by an index; <see cref="To"/> is exclusive. <see cref="Text"/> is a
/// web-search style query over summaries, justifications and reasons ("disk failure" -approved).
/// </summary>
public sealed record HistoryFilter(
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    Guid? VnfId = null,
    Guid? TrustDomainId = null,
    Guid? EnvironmentId = null,
    string? ActorId = null,
    string? EventType = null,
    HistoryCategory? Category = null,
    Guid? RequestId = null,
    string? Text = null)
{
    public static HistoryFilter None { get; } = new();

    public bool IsEmpty => this == None;
}

public enum HistorySortField
{
    Time,
    EventType,
    Category,
    Actor,
}

public sealed record HistoryQuery(
    HistoryFilter Filter,
    HistorySortField SortBy = HistorySortField.Time,
    bool Descending = true,
    int Page = 0,
    int PageSize = HistoryQuery.DefaultPageSize)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;
}

/// <summary>
/// A page of the history. Counting millions of rows exactly would cost more than the page itself, so
/// <see cref="TotalCount"/> stops at <see cref="HistoryLimits.CountCap"/>: when <see cref="TotalIsLowerBound"/> the
/// filtered set holds at least that many.
/// </summary>
public sealed record HistoryPage(IReadOnlyList<HistoryEntry> Items, long TotalCount, bool TotalIsLowerBound, int Page, int PageSize)
{
    /// <summary>How many pages can be opened (offset paging stops at <see cref="HistoryLimits.MaxReachableRows"/> rows).</summary>
    public int PageCount => (int)Math.Max(1, (Math.Min(TotalCount, HistoryLimits.MaxReachableRows) + PageSize - 1) / PageSize);
}

/// <summary>The bounds that keep history queries fast on millions of events.</summary>
public static class HistoryLimits
{
    /// <summary>Counts stop here; above it the page says "at least".</summary>
    public const int CountCap = 10_000;

    /// <summary>Offset paging reaches this many rows; beyond, narrow the filters or reverse the sort.</summary>
    public const int MaxReachableRows = 10_000;

    /// <summary>One export holds at most this many rows (the newest, or the first in the chosen order).</summary>
    public const int ExportMaxRows = 100_000;

    /// <summary>A timeline shows at most this many events (the newest).</summary>
    public const int TimelineMaxEntries = 1_000;
}

/// <summary>A request's or VNF's events, oldest first; <see cref="Truncated"/> when only the newest could be shown.</summary>
public sealed record HistoryTimeline(IReadOnlyList<HistoryEntry> Entries, bool Truncated);

/// <summary>
/// One stored event in full: its payload and metadata exactly as the event store holds them (JSON), and the history's
/// reading of it (null while the history has not caught up with it yet).
/// </summary>
public sealed record HistoryEventDetail(
    long Seq,
    Guid StreamId,
    long Version,
    string StoredType,
    DateTimeOffset StoredAt,
    string DataJson,
    string MetadataJson,
    HistoryEntry? Entry);

/// <summary>Someone (or something, <c>system:...</c>) the history has seen act.</summary>
public sealed record HistoryActor(string Id, string? Name)
{
    public string Display => Name is { Length: > 0 } name && name != Id ? $"{name} ({Id})" : Id;
}

public sealed record HistoryEventType(string Name, HistoryCategory Category);
