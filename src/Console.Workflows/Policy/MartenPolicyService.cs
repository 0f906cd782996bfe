using Console.Workflows.Common;
using Console.Workflows.Guards.Submitting;
using Console.Workflows.Policy.Revising;
using Marten;

namespace Console.Workflows.Policy;

/// <summary>
/// The approval policy from Marten: the current revision is the stream's inline snapshot, the history its
/// <see cref="PolicyRevised"/> events.
/// </summary>
public sealed class MartenPolicyService(IDocumentSession session, TimeProvider time, IGuardChangeRequests? guardChanges = null)
    : IPolicyService
{
    public async Task<ApprovalPolicy> CurrentAsync(CancellationToken ct = default) =>
        await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, ct)
        ?? throw new InvalidOperationException(
            "No approval policy is in force. The console seeds the default policy at start-up; restart it.");

    /// <summary>Every revision, newest first.</summary>
    public async Task<IReadOnlyList<PolicyRevisionEntry>> HistoryAsync(CancellationToken ct = default)
    {
        var events = await session.Events.FetchStreamAsync(ApprovalPolicy.StreamId, token: ct);
        return [.. events.Select(e => e.Data).OfType<PolicyRevised>()
            .OrderByDescending(e => e.Revision)
            .Select(e => new PolicyRevisionEntry(e.Revision, e.Document, e.Reason, e.By, e.At))];
    }

    public Task<Outcome> ReviseAsync(RevisePolicy command, Actor actor, CancellationToken ct = default) =>
        RevisePolicyHandler.Handle(session, time, command, actor, ct, guardChanges);
}
