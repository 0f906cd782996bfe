using Console.Workflows.Common;

namespace Console.Workflows.Continuity;

/// <summary>A lease on the VNF's persistent state for one instance in one epoch.</summary>
public sealed record Lease(Guid InstanceId, Guid EnvironmentId, long Epoch, DateTimeOffset GrantedAt, bool Revoked)
{
    public bool IsValidIn(long epoch) => !Revoked && Epoch == epoch;
}

/// <summary>This VNF verifies <paramref name="SubjectVnfId"/> for <paramref name="Purpose"/>.</summary>
public sealed record TrustRelationship(Guid SubjectVnfId, string Purpose, string DeclaredBy, DateTimeOffset DeclaredAt);

/// <summary>The migration in flight: sealed at the source, not yet committed at the target.</summary>
/// <param name="ComponentIds">The components a partial move sealed; empty for the whole VNF.</param>
/// <param name="TargetInstanceId">The fresh instance that is to unseal the state, when the seal named it.</param>
public sealed record SealedState(
    Guid OperationId, long Epoch, Guid SourceInstanceId, Guid TargetEnvironmentId, string Digest, IReadOnlyList<Guid> ComponentIds,
    Guid? TargetInstanceId = null)
{
    public bool Partial => ComponentIds.Count > 0;
}

/// <summary>
/// One VNF's state continuity, rebuilt from its stream: the current epoch, every lease ever granted (so a fenced copy is
/// recognised when it speaks again), the migration in flight, and whether the holder awaits re-attestation.
/// </summary>
public sealed record VnfContinuity(
    Guid Id,
    Guid VnfId,
    long Epoch,
    IReadOnlyList<Lease> Leases,
    SealedState? Sealed,
    bool AwaitingReattestation,
    IReadOnlyList<long> EpochHistory,
    IReadOnlyList<Guid> Fenced)
{
    public int Version { get; init; }

    /// <summary>The VNFs this one verifies (KI#13), declared on this stream.</summary>
    public IReadOnlyList<TrustRelationship> Verifies { get; init; } = [];

    public static Guid StreamIdFor(Guid vnfId) => NameBasedGuid.From($"vnf-console/continuity/{vnfId:D}");

    /// <summary>The one lease valid now, if any.</summary>
    public Lease? CurrentLease => Leases.SingleOrDefault(l => l.IsValidIn(Epoch));

    /// <summary>Whether other VNFs may trust the live instance now: it holds the lease and is attested since its last interruption.</summary>
    public bool Trustworthy => CurrentLease is not null && !AwaitingReattestation;

    public static VnfContinuity Create(ContinuityEstablished e) => new(
        StreamIdFor(e.VnfId), e.VnfId, e.Epoch, [new Lease(e.InstanceId, e.EnvironmentId, e.Epoch, e.At, false)], null, false, [e.Epoch], []);

    public VnfContinuity Apply(StateSealed e) =>
        this with { Sealed = new SealedState(e.OperationId, e.Epoch, e.SourceInstanceId, e.TargetEnvironmentId, e.SealedDigest, e.ComponentIds ?? [], e.TargetInstanceId) };

    public VnfContinuity Apply(MigrationCommitted e) => this with
    {
        Epoch = e.NewEpoch,
        // After a partial move the VNF's instance runs where the source instance ran; only its moved components left.
        Leases = [.. RevokeAll(), new Lease(e.TargetInstanceId, LeaseEnvironmentAfter(e), e.NewEpoch, e.At, false)],
        Sealed = null,
        Fenced = FenceHolder(),
        // The target was attested before it could unseal.
        AwaitingReattestation = false,
        EpochHistory = [.. EpochHistory, e.NewEpoch],
    };

    public VnfContinuity Apply(MigrationAborted e) => this with { Sealed = null };

    public VnfContinuity Apply(StateRestored e) => this with
    {
        Epoch = e.NewEpoch,
        Leases = [.. RevokeAll(), new Lease(e.InstanceId, e.EnvironmentId, e.NewEpoch, e.At, false)],
        Sealed = null,
        Fenced = FenceHolder(),
        AwaitingReattestation = true,
        EpochHistory = [.. EpochHistory, e.NewEpoch],
    };

    public VnfContinuity Apply(InstanceInterrupted e) => this with { AwaitingReattestation = true };

    public VnfContinuity Apply(InstanceReattested e) => this with { AwaitingReattestation = false };

    public VnfContinuity Apply(ForkDetected e) => this with
    {
        Leases = [.. Leases.Select(l => l.InstanceId == e.InstanceId ? l with { Revoked = true } : l)],
        Fenced = Fenced.Contains(e.InstanceId) ? Fenced : [.. Fenced, e.InstanceId],
    };

    public VnfContinuity Apply(TrustRelationshipDeclared e) => this with
    {
        Verifies = [.. Verifies.Where(r => r.SubjectVnfId != e.SubjectVnfId), new TrustRelationship(e.SubjectVnfId, e.Purpose, e.By, e.At)],
    };

    private Guid LeaseEnvironmentAfter(MigrationCommitted e) =>
        e.ComponentIds is { Count: > 0 } && CurrentLease is { } source ? source.EnvironmentId : e.TargetEnvironmentId;

    /// <summary>The holder whose lease a migration or restore revokes is fenced: it never runs on this state again.</summary>
    private IReadOnlyList<Guid> FenceHolder() =>
        CurrentLease is { } holder && !Fenced.Contains(holder.InstanceId) ? [.. Fenced, holder.InstanceId] : Fenced;

    private IEnumerable<Lease> RevokeAll() => Leases.Select(l => l with { Revoked = true });
}
