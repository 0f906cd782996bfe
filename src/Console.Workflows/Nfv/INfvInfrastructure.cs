using Console.Workflows.Inventory;

namespace Console.Workflows.Nfv;

/// <summary>
/// The port through which the workflow drives the NFV infrastructure (an NFVO/VIM such as OSM, ONAP or a Kubernetes
/// operator). The console owns this interface; the built-in simulator implements it, a real orchestrator adapter can.
/// Every operation is idempotent on its operation id: calling it again with the same id returns the first result and
/// does the work only once, so a workflow resumed after a crash never snapshots or moves twice.
/// Failures are reported by throwing <see cref="InfrastructureException"/> with a reason a person can act on.
/// </summary>
public interface INfvInfrastructure
{
    /// <summary>Asks the environment for fresh attestation evidence bound to the console's nonce.</summary>
    Task<AttestationReport> AttestAsync(Guid environmentId, string nonce, CancellationToken ct);

    Task<SnapshotArtefact> TakeSnapshotAsync(SnapshotOrder order, CancellationToken ct);

    Task<MigrationReceipt> MigrateAsync(MigrationOrder order, CancellationToken ct);

    Task<DeletionReceipt> DeleteSnapshotAsync(SnapshotDeletionOrder order, CancellationToken ct);
}

public sealed record AttestationReport(
    Guid EnvironmentId, bool Attested, TrustLevel TrustLevel, string Nonce, DateTimeOffset IssuedAt, string Detail);

public sealed record SnapshotOrder(Guid OperationId, Guid SnapshotId, Guid VnfId, IReadOnlyList<Guid> ComponentIds, Guid EnvironmentId);

public sealed record SnapshotArtefact(Guid SnapshotId, string Location, string ContentDigest, long SizeBytes, DateTimeOffset CompletedAt);

public sealed record MigrationOrder(
    Guid OperationId, Guid VnfId, IReadOnlyList<Guid> ComponentIds, Guid SourceEnvironmentId, Guid TargetEnvironmentId);

public sealed record MigrationReceipt(Guid OperationId, Guid TargetEnvironmentId, DateTimeOffset CompletedAt, string Detail);

public sealed record SnapshotDeletionOrder(Guid OperationId, Guid SnapshotId);

public sealed record DeletionReceipt(Guid OperationId, Guid SnapshotId, DateTimeOffset DeletedAt, string Detail);

public sealed class InfrastructureException : Exception
{
    public InfrastructureException(string message) : base(message)
    {
    }

    public InfrastructureException(string message, Exception inner) : base(message, inner)
    {
    }

    public InfrastructureException()
    {
    }
}
