using Console.Workflows.Attestation;
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
    /// <summary>
    /// What the infrastructure vouches for a subject (environment or VNF instance) when the console first meets it:
    /// its attestation public key and its reference measurements (golden values). Null when it knows no such subject.
    /// </summary>
    Task<AttestationEnrolment?> EnrolmentAsync(AttestedSubjectKind kind, Guid subjectId, CancellationToken ct);

    /// <summary>
    /// A fresh TPM-style quote of the subject over the console's nonce, signed by the subject's attestation key. The
    /// console verifies it (<see cref="EvidenceVerifier"/>); the infrastructure never judges its own evidence.
    /// </summary>
    Task<AttestationEvidence> QuoteAsync(AttestedSubjectKind kind, Guid subjectId, string nonce, CancellationToken ct);

    /// <summary>The environment's state-sealing public key (SubjectPublicKeyInfo, base64); its SHA-256 is one of its quoted measurements.</summary>
    Task<string> SealingKeyAsync(Guid environmentId, CancellationToken ct);

    /// <summary>The channel state would travel over between two environments, as the infrastructure reports it.</summary>
    Task<TransferChannel> TransferChannelAsync(Guid sourceEnvironmentId, Guid targetEnvironmentId, CancellationToken ct);

    /// <summary>
    /// The instance the VNF was deployed as (the first the infrastructure ever ran for it); the console establishes
    /// the VNF's continuity from it. Null when the infrastructure runs nothing for this VNF.
    /// </summary>
    Task<VnfInstance?> InitialInstanceAsync(Guid vnfId, CancellationToken ct);

    /// <summary>Every instance of the VNF the infrastructure knows, fenced and stopped ones included.</summary>
    Task<IReadOnlyList<VnfInstance>> InstancesAsync(Guid vnfId, CancellationToken ct);

    /// <summary>
    /// The machines the infrastructure runs the VNF in now, each with its host: the VNF's own and one per component
    /// running in a machine of its own. Empty where the infrastructure names no hosts (the simulator).
    /// </summary>
    Task<IReadOnlyList<MachinePlacement>> MachinesAsync(Guid vnfId, CancellationToken ct);

    /// <summary>
    /// Seals the source instance's persistent state under its epoch (for a partial move, the state of the components
    /// it names), encrypted to the target's sealing key: only the target environment holding the matching private key
    /// can unseal it.
    /// </summary>
    Task<SealReceipt> SealStateAsync(SealOrder order, CancellationToken ct);

    /// <summary>
    /// Unseals the state at the target and starts the new instance there on the next epoch, only if the sealed epoch
    /// is the one the console says is current; the source hands over (stops) at this moment. After a partial move the
    /// new instance is the VNF running where the source instance ran, with its moved components in the target.
    /// </summary>
    Task<VnfInstance> UnsealAsync(UnsealOrder order, CancellationToken ct);

    /// <summary>Starts a fresh instance from a snapshot on the new epoch the console issued for the restore.</summary>
    Task<VnfInstance> RestoreAsync(RestoreOrder order, CancellationToken ct);

    /// <summary>Pauses, resumes, stops, starts or restarts an instance.</summary>
    Task<VnfInstance> LifecycleAsync(LifecycleOrder order, CancellationToken ct);

    /// <summary>Fences an instance: stopped, and never allowed to run on this VNF's state again.</summary>
    Task<VnfInstance?> FenceAsync(FenceOrder order, CancellationToken ct);

    Task<SnapshotArtefact> TakeSnapshotAsync(SnapshotOrder order, CancellationToken ct);

    /// <summary>
    /// Moves the VNF's state between environments: all of it, or the selected components' (<see cref="MigrationOrder.ComponentIds"/>).
    /// Refuses, before any byte of state moves, when the channel between the two is not encrypted.
    /// </summary>
    Task<MigrationReceipt> MigrateAsync(MigrationOrder order, CancellationToken ct);

    Task<DeletionReceipt> DeleteSnapshotAsync(SnapshotDeletionOrder order, CancellationToken ct);

    /// <summary>
    /// What the infrastructure holds for a snapshot now: where, the digest of the content as stored (computed afresh,
    /// not remembered), whether it was deleted. Null when it knows no such snapshot. Restore compares the digest with
    /// the signed manifest before trusting the artefact.
    /// </summary>
    Task<SnapshotArtefactState?> InspectSnapshotAsync(Guid snapshotId, CancellationToken ct);
}

/// <summary>
/// The environment's attestation as execution judges it against the policy: built from evidence the console verified
/// (<see cref="AttestationEvidence"/>), with the trust level the inventory gives the environment.
/// </summary>
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

/// <summary>A running machine of a VNF: <see cref="ComponentId"/> is null for the VNF's own machine.</summary>
public sealed record MachinePlacement(Guid? ComponentId, string Host, string Machine);

public sealed record MigrationOrder(
    Guid OperationId, Guid VnfId, IReadOnlyList<Guid> ComponentIds, Guid SourceEnvironmentId, Guid TargetEnvironmentId);

public sealed record MigrationReceipt(Guid OperationId, Guid TargetEnvironmentId, DateTimeOffset CompletedAt, string Detail)
{
    /// <summary>What the hypervisor measured of a live migration; null where the infrastructure measures nothing.</summary>
    public MigrationMeasurement? Measured { get; init; }
}

/// <summary>A live migration as the hypervisor measured it: the guest's downtime, the bytes sent, the wall time.</summary>
public sealed record MigrationMeasurement(TimeSpan Downtime, long TransferredBytes, TimeSpan Total);

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
