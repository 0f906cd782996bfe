using Marten;

namespace Console.Workflows.Policy;

public sealed record PolicyRevisionEntry(int Revision, PolicyDocument Document, string Reason, string By, DateTimeOffset At);

/// <summary>The approval policy as everyone reads it: the revision in force and every revision before it.</summary>
public interface IPolicyReader
{
    Task<ApprovalPolicy> CurrentAsync(CancellationToken ct = default);

    /// <summary>Every revision, newest first.</summary>
    Task<IReadOnlyList<PolicyRevisionEntry>> HistoryAsync(CancellationToken ct = default);
}

/// <summary>
/// The approval policy from Marten: the current revision is the stream's inline snapshot, the history its
/// <see cref="PolicyRevised"/> events.
/// </summary>
public sealed class MartenPolicyReader(IQuerySession session) : IPolicyReader
{
    public async Task<ApprovalPolicy> CurrentAsync(CancellationToken ct = default) =>
        await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, ct)
        ?? throw new InvalidOperationException(
            "No approval policy is in force. The console seeds the default policy at start-up; restart it.");

    public async Task<IReadOnlyList<PolicyRevisionEntry>> HistoryAsync(CancellationToken ct = default)
    {
        var events = await session.Events.FetchStreamAsync(ApprovalPolicy.StreamId, token: ct);
        return [.. events.Select(e => e.Data).OfType<PolicyRevised>()
            .OrderByDescending(e => e.Revision)
            .Select(e => new PolicyRevisionEntry(e.Revision, e.Document, e.Reason, e.By, e.At))];
    }
}
