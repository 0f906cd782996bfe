using Console.Workflows.Common;

namespace Console.Workflows.Policy;

/// <summary>Administrators revise the policy; the reason is mandatory and recorded with who and when.</summary>
public sealed record RevisePolicy(int ExpectedRevision, PolicyDocument Document, string Reason);

public sealed record PolicyRevisionEntry(int Revision, PolicyDocument Document, string Reason, string By, DateTimeOffset At);

public interface IPolicyService
{
    Task<ApprovalPolicy> CurrentAsync(CancellationToken ct = default);

    Task<IReadOnlyList<PolicyRevisionEntry>> HistoryAsync(CancellationToken ct = default);

    Task<Outcome> ReviseAsync(RevisePolicy command, Actor actor, CancellationToken ct = default);
}
