namespace Console.Workflows.Nfv;

public enum SimulatedOperationKind
{
    Snapshot = 0,
    Migration = 1,
    SnapshotDeletion = 2,
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
