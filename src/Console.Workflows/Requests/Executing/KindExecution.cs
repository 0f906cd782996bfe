using Console.Workflows.Attestation.Verifying;
using Console.Workflows.Inventory;
using Console.Workflows.Keys;
using Console.Workflows.Nfv;
using Console.Workflows.Snapshots.Protecting;
using Console.Workflows.Snapshots.Sweeping;
using Marten;

namespace Console.Workflows.Requests.Executing;

/// <summary>One attempt of one request, once its target passed attestation.</summary>
internal sealed record ExecutionRun(ChangeRequest Request, int Attempt, Guid OperationId, Vnf? Vnf, AttestationOutcome Attested);

/// <summary>
/// What a kind's operation did: the result the journal shows and, when the kind changes more than the request, what to
/// record in the completion's transaction (the new snapshot stream, the VNF's new placement).
/// </summary>
internal sealed record KindOperated(string Result)
{
    public Func<IDocumentSession, ChangeRequest, DateTimeOffset, CancellationToken, Task>? Record { get; init; }

    /// <summary>A live migration's downtime as the infrastructure measured it; recorded on the completion.</summary>
    public TimeSpan? MeasuredDowntime { get; init; }
}

/// <summary>
/// One request kind's part of an execution: its operation on the infrastructure (idempotent on the run's operation
/// id). Throws <see cref="InfrastructureException"/>, <see cref="KeyUnavailableException"/> or
/// <see cref="ExecutionRefusedException"/> to fail the attempt with the reason.
/// </summary>
internal interface IKindExecution
{
    Task<KindOperated> OperateAsync(ExecutionRun run, CancellationToken ct);
}

/// <summary>What execution needs to protect a snapshot it takes and to delete one securely.</summary>
internal sealed record SnapshotServices(IKeyStore Keys, IManifestSigner Signer, SecureDeletion Deletion);

/// <summary>Which execution each request kind has.</summary>
internal sealed class KindExecutions(
    INfvInfrastructure infrastructure, SnapshotServices snapshots, ContinuityServices states, TimeProvider time)
{
    private readonly SnapshotExecution _snapshot = new(infrastructure, snapshots, states);
    private readonly MigrationExecution _migration = new(infrastructure, states);
    private readonly StateExecution _state = new(infrastructure, states);
    private readonly SnapshotDeletionExecution _deletion = new(snapshots, time);

    public IKindExecution For(RequestKind kind) => kind switch
    {
        RequestKind.Snapshot => _snapshot,
        RequestKind.Migration => _migration,
        RequestKind.Restore => _state,
        _ when kind.IsLifecycle() => _state,
        RequestKind.SnapshotDeletion => _deletion,
        _ => throw new InvalidOperationException($"Unknown request kind {kind}."),
    };
}
