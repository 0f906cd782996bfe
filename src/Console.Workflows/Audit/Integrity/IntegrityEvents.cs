using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Common;

namespace Console.Workflows.Audit.Integrity;

/// <summary>Who started a verification run.</summary>
public enum VerificationTrigger
{
    /// <summary>A security officer or auditor pressed "Verify now".</summary>
    Manual,

    /// <summary>The background schedule (Audit:VerifyEvery).</summary>
    Scheduled,

    /// <summary><c>audit verify</c> on the command line.</summary>
    CommandLine,

    /// <summary>The chain writer saw the chain in the database shrink below what it had written.</summary>
    ChainWriter,
}

/// <summary>A verification run found the whole log intact.</summary>
public sealed record IntegrityVerified(
    Guid RunId,
    VerificationTrigger Trigger,
    long EntriesChecked,
    long ChainHeadPosition,
    long PendingEvents,
    int CheckpointsChecked,
    long? LastCheckpointNumber,
    double Seconds,
    string By,
    string ByName,
    DateTimeOffset At);

/// <summary>A verification run found the log broken; <see cref="FirstBreak"/> says where and how.</summary>
public sealed record IntegrityVerificationFailed(
    Guid RunId,
    VerificationTrigger Trigger,
    IntegrityBreak FirstBreak,
    int BreaksFound,
    long EntriesChecked,
    long ChainHeadPosition,
    int CheckpointsChecked,
    double Seconds,
    string By,
    string ByName,
    DateTimeOffset At);

/// <summary>A security officer took note of the alert a failed run raised; it stays in the history.</summary>
public sealed record IntegrityAlertAcknowledged(Guid RunId, string Note, string By, string ByName, DateTimeOffset At);

/// <summary>One verification run as the integrity page lists it.</summary>
public sealed record VerificationSummary(
    Guid RunId,
    VerificationTrigger Trigger,
    bool Intact,
    long EntriesChecked,
    long ChainHeadPosition,
    int CheckpointsChecked,
    int BreaksFound,
    IntegrityBreak? FirstBreak,
    double Seconds,
    string By,
    string ByName,
    DateTimeOffset At)
{
    public static VerificationSummary From(IntegrityVerified e) =>
        new(e.RunId, e.Trigger, true, e.EntriesChecked, e.ChainHeadPosition, e.CheckpointsChecked, 0, null, e.Seconds, e.By, e.ByName, e.At);

    public static VerificationSummary From(IntegrityVerificationFailed e) =>
        new(e.RunId, e.Trigger, false, e.EntriesChecked, e.ChainHeadPosition, e.CheckpointsChecked, e.BreaksFound, e.FirstBreak,
            e.Seconds, e.By, e.ByName, e.At);
}

/// <summary>
/// The integrity audit stream (one well-known stream): the latest runs and the open alert. An alert opens when a run
/// fails and closes when a security officer acknowledges it or a later run passes.
/// </summary>
public sealed record IntegrityStatus(
    Guid Id,
    IReadOnlyList<VerificationSummary> Recent,
    VerificationSummary? OpenAlert,
    DateTimeOffset? LastScheduledAt)
{
    public const int RecentKept = 50;

    /// <summary>The id of the one integrity stream.</summary>
    public static readonly Guid StreamId = NameBasedGuid.From("vnf-console:audit:integrity");

    public static IntegrityStatus Empty { get; } = new(StreamId, [], null, null);

    public int Version { get; init; }

    public static IntegrityStatus Create(IntegrityVerified e) => Empty.Apply(e);

    public static IntegrityStatus Create(IntegrityVerificationFailed e) => Empty.Apply(e);

    public IntegrityStatus Apply(IntegrityVerified e) => this with
    {
        Recent = Keep(VerificationSummary.From(e)),
        OpenAlert = null,
        LastScheduledAt = e.Trigger == VerificationTrigger.Scheduled ? e.At : LastScheduledAt,
    };

    public IntegrityStatus Apply(IntegrityVerificationFailed e) => this with
    {
        Recent = Keep(VerificationSummary.From(e)),
        OpenAlert = VerificationSummary.From(e),
        LastScheduledAt = e.Trigger == VerificationTrigger.Scheduled ? e.At : LastScheduledAt,
    };

    public IntegrityStatus Apply(IntegrityAlertAcknowledged e) =>
        OpenAlert?.RunId == e.RunId ? this with { OpenAlert = null } : this;

    private List<VerificationSummary> Keep(VerificationSummary latest) => [latest, .. Recent.Take(RecentKept - 1)];
}
