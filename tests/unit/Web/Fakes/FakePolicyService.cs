using Console.Workflows.Common;
using Console.Workflows.Guards.Classifying;
using Console.Workflows.Policy;

namespace Console.UnitTests.Web.Fakes;

/// <summary>
/// The policy's revisions in memory, revised with the same checks as the real service: administrators only, the
/// expected revision, a reason, <see cref="PolicyRules.Validate"/>, the <see cref="PolicyFloors"/>, and a weaker revision
/// (<see cref="GuardClassifier.Policy"/>) held for approval in <see cref="Held"/> instead of put in force.
/// </summary>
public sealed class FakePolicyService : IPolicyService
{
    private static readonly DateTimeOffset Seeded = new(2025, 11, 1, 0, 0, 0, TimeSpan.Zero);

    public FakePolicyService() =>
        Revisions.Add(new PolicyRevisionEntry(1, DefaultPolicy.Document, "Initial policy", "system:seed", Seeded));

    public List<PolicyRevisionEntry> Revisions { get; } = [];

    public List<(RevisePolicy Command, Actor Actor)> Received { get; } = [];

    /// <summary>Weaker revisions submitted for approval, with the id of the request each became.</summary>
    public List<(RevisePolicy Command, Guid RequestId)> Held { get; } = [];

    public DateTimeOffset Now { get; set; } = new(2025, 11, 20, 10, 0, 0, TimeSpan.Zero);

    public Task<ApprovalPolicy> CurrentAsync(CancellationToken ct = default)
    {
        var last = Revisions[^1];
        return Task.FromResult(new ApprovalPolicy(ApprovalPolicy.StreamId, last.Revision, last.Document, last.By, last.At) { Version = last.Revision });
    }

    public Task<IReadOnlyList<PolicyRevisionEntry>> HistoryAsync(CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<PolicyRevisionEntry>>([.. Revisions]);

    public Task<Outcome> ReviseAsync(RevisePolicy command, Actor actor, CancellationToken ct = default)
    {
        Received.Add((command, actor));
        if (!actor.IsInRole(Roles.Administrator))
            return Refused(Refusal.Because("Only an administrator may change the approval policy.", RefusalKind.Forbidden));
        if (command.ExpectedRevision != Revisions[^1].Revision)
            return Refused(Refusal.Because("Someone else acted first: reload the policy.", RefusalKind.Conflict));

        var errors = PolicyRules.Validate(command.Document).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(command.Reason))
            errors[nameof(RevisePolicy.Reason)] = ["Say why the policy changes."];
        if (errors.Count > 0)
            return Refused(Refusal.ForFields(errors));
        if (PolicyFloors.Check(command.Document) is { } belowFloor)
            return Refused(belowFloor);
        if (GuardClassifier.Policy(Revisions[^1].Document, command.Document).Weakens)
        {
            var requestId = Guid.NewGuid();
            Held.Add((command, requestId));
            return Task.FromResult(Outcome.SubmittedForApproval(ApprovalPolicy.StreamId, requestId));
        }

        Revisions.Add(new PolicyRevisionEntry(Revisions[^1].Revision + 1, command.Document, command.Reason.Trim(), actor.UserId, Now));
        return Task.FromResult(Outcome.Done(ApprovalPolicy.StreamId));
    }

    private static Task<Outcome> Refused(Refusal refusal) => Task.FromResult(Outcome.Refused(refusal));
}
