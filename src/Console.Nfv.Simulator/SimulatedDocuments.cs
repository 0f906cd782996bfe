using Console.Workflows.Nfv;
namespace Console.Nfv.Simulator;

public enum SimulatedOperationKind
{
    Snapshot = 0,
    Migration = 1,
    SnapshotDeletion = 2,
    Restore = 3,
    Lifecycle = 4,
}

/// <summary>
/// One operation the simulated infrastructure carried out, keyed by the caller's operation id: a second call with the
/// same id finds it and returns the first result instead of doing the work again.
/// </summary>
public sealed record SimulatedOperation(
    Guid Id,
    SimulatedOperationKind Kind,
    Guid? VnfId,
    IReadOnlyList<Guid> ComponentIds,
    Guid? SourceEnvironmentId,
    Guid? TargetEnvironmentId,
    Guid? SnapshotId,
    string Detail,
    DateTimeOffset StartedAt,
    DateTimeOffset CompletedAt);

/// <summary>What an entry of the simulator's operation journal records.</summary>
public enum SimulatedOperationPhase
{
    /// <summary>The work began (after the look-up of an earlier result found none).</summary>
    Started = 0,

    /// <summary>The work ran to its end and took effect; twice for one operation id means it was done twice.</summary>
    Performed = 1,
}

/// <summary>
/// The simulator's journal of the work it does, one row each time an operation starts and each time it is carried out,
/// with the node that did it: unlike <see cref="SimulatedOperation"/> (one row per operation id, the idempotency key),
/// it keeps a second performance of the same operation, so the crash campaign (<c>scripts/chaos</c>) can count
/// duplicates and see when a node took over work a killed node had begun.
/// </summary>
public sealed record SimulatedOperationLogEntry(
    Guid Id, Guid OperationId, SimulatedOperationKind Kind, SimulatedOperationPhase Phase, Guid? VnfId, string Node, DateTimeOffset At);

/// <summary>Where the simulated infrastructure runs a component (its own view, independent of the inventory).</summary>
public sealed record SimulatedPlacement(Guid Id, Guid VnfId, Guid EnvironmentId, Guid OperationId, DateTimeOffset Since);

/// <summary>
/// A snapshot artefact held by the simulated infrastructure. Its content is small stand-in state per trust domain,
/// encrypted with that domain's data key; deleting the artefact erases the parts.
/// </summary>
public sealed record SimulatedSnapshotArtefact(
    Guid Id,
    Guid VnfId,
    IReadOnlyList<Guid> ComponentIds,
    Guid EnvironmentId,
    string Location,
    string ContentDigest,
    long SizeBytes,
    DateTimeOffset CreatedAt,
    DateTimeOffset? DeletedAt)
{
    public IReadOnlyList<SimulatedArtefactPart> Parts { get; init; } = [];
}

/// <summary>One trust domain's part of a simulated artefact: AES-256-GCM ciphertext under the domain's data key.</summary>
public sealed record SimulatedArtefactPart(Guid TrustDomainId, IReadOnlyList<Guid> ComponentIds, string KeyId, byte[] Nonce, byte[] Ciphertext, byte[] Tag);

/// <summary>A VNF instance the simulated infrastructure runs: where, on the state of which epoch, in which run state.</summary>
public sealed record SimulatedInstance(
    Guid Id, Guid VnfId, Guid EnvironmentId, long Epoch, InstanceRunState State, bool Fenced, DateTimeOffset Since, string StartedBy);

/// <summary>
/// A subject's keys as its platform holds them (the private halves never leave the infrastructure): the attestation
/// key that signs quotes and, for environments, the sealing key migrated state is encrypted to.
/// </summary>
public sealed record SimulatedSubjectKeys(
    Guid Id,
    Console.Workflows.Attestation.AttestedSubjectKind Kind,
    string AttestationPrivateKey,
    string AttestationPublicKey,
    string? SealingPrivateKey,
    string? SealingPublicKey,
    DateTimeOffset CreatedAt)
{
    /// <summary>The nonce of the last quote, which a replaying platform presents again.</summary>
    public string? LastNonce { get; init; }

    /// <summary>
    /// The endorsement key's public half (SubjectPublicKeyInfo, base64) of the environment's simulated TPM, reported at
    /// enrolment; made the first time an enrolment asks for it (its private half plays no part in the simulation).
    /// </summary>
    public string? EndorsementPublicKey { get; init; }
}

/// <summary>State sealed at a source for one migration: ECDH (P-256) to the target's sealing key, then AES-256-GCM.</summary>
public sealed record SimulatedSealedState(
    Guid Id, Guid VnfId, Guid SourceInstanceId, long Epoch, Guid TargetEnvironmentId, string SealedToKeyId,
    byte[] EphemeralPublicKey, byte[] Nonce, byte[] Ciphertext, byte[] Tag, string Digest, DateTimeOffset SealedAt)
{
    /// <summary>The components whose state a partial move sealed; empty: the whole VNF's.</summary>
    public IReadOnlyList<Guid> ComponentIds { get; init; } = [];
}

/// <summary>A lifecycle operation carried out on an instance, keyed by the caller's operation id (idempotency).</summary>
public sealed record SimulatedLifecycleOperation(Guid Id, Guid InstanceId, LifecycleOperation Operation, DateTimeOffset At);
