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

    /// <summary>
    /// What the infrastructure holds for a snapshot now: where, the digest of the content as stored (computed afresh,
    /// not remembered), whether it was deleted. Null when it knows no such snapshot. Restore compares the digest with
    /// the signed manifest before trusting the artefact.
    /// </summary>
    Task<SnapshotArtefactState?> InspectSnapshotAsync(Guid snapshotId, CancellationToken ct);
}

public sealed record AttestationReport(
    Guid EnvironmentId, bool Attested, TrustLevel TrustLevel, string Nonce, DateTimeOffset IssuedAt, string Detail);

/// <summary>
/// Take a snapshot. <see cref="Parts"/> gives, per trust domain among the components, the data key that domain's part
/// of the artefact is encrypted with (AES-256-GCM); the infrastructure uses each key for its part only and keeps none.
/// </summary>
public sealed record SnapshotOrder(
    Guid OperationId,
    Guid SnapshotId,
    Guid VnfId,
    IReadOnlyList<Guid> ComponentIds,
    Guid EnvironmentId,
    IReadOnlyList<SnapshotPartKey>? Parts = null);

/// <summary>The components of one trust domain and the data key (secret) their part of the artefact is encrypted with.</summary>
public sealed record SnapshotPartKey(Guid TrustDomainId, IReadOnlyList<Guid> ComponentIds, string KeyId, byte[] DataKey);

/// <summary>A snapshot artefact as the infrastructure holds it now; <see cref="KeyIds"/> name the data keys of its parts.</summary>
public sealed record SnapshotArtefactState(
    Guid SnapshotId, string Location, string ContentDigest, long SizeBytes, DateTimeOffset? DeletedAt, IReadOnlyList<string> KeyIds);

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
