using Console.Workflows.Common;
using Console.Workflows.Guards.Classifying;
using Console.Workflows.Policy;
using Console.Workflows.Policy.Revising;

namespace Console.UnitTests.Web.Fakes;

/// <summary>
/// The policy's revisions in memory (the reader, and the revisions FakeCommandBus hands it), revised by the real decider
/// (<see cref="RevisePolicyDecider"/>), with a weaker revision (<see cref="GuardClassifier.Policy"/>) held for approval
/// in <see cref="Held"/> instead of put in force, as the real handler does.
/// </summary>
public sealed class FakePolicyService : IPolicyReader
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

    public async Task<Outcome> ReviseAsync(RevisePolicy command, Actor actor, CancellationToken ct = default)
    {
        Received.Add((command, actor));
        var current = await CurrentAsync(ct);
        var decision = RevisePolicyDecider.Decide(command, current, actor, Now);
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);
        var revised = decision.Events.OfType<PolicyRevised>().Single();
        if (GuardClassifier.Policy(current.Document, revised.Document).Weakens)
        {
            var requestId = Guid.NewGuid();
            Held.Add((command, requestId));
            return Outcome.SubmittedForApproval(ApprovalPolicy.StreamId, requestId);
        }

        Revisions.Add(new PolicyRevisionEntry(revised.Revision, revised.Document, revised.Reason, revised.By, revised.At));
        return Outcome.Done(ApprovalPolicy.StreamId);
    }
}
