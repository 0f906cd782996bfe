using Console.Workflows.Attestation;

namespace Console.Workflows.Nfv;

/// <summary>What the infrastructure vouches for a subject at enrolment: its attestation key and reference values.</summary>
/// <param name="EndorsementKey">The SubjectPublicKeyInfo (base64) of the endorsement key of the TPM holding the attestation key, when the platform reports one.</param>
public sealed record AttestationEnrolment(
    AttestedSubjectKind Kind, Guid SubjectId, string KeyId, string PublicKey, IReadOnlyList<Measurement> ReferenceValues, string Source,
    string? EndorsementKey = null);

/// <summary>How state would travel between two environments; an unencrypted channel is refused for a migration.</summary>
public sealed record TransferChannel(Guid SourceEnvironmentId, Guid TargetEnvironmentId, bool Encrypted, string Description);

public enum InstanceRunState
{
    Running = 0,
    Paused = 1,
    Stopped = 2,
}

/// <summary>A VNF instance as the infrastructure runs it: where, on the state of which epoch, and whether it is fenced.</summary>
public sealed record VnfInstance(
    Guid InstanceId, Guid VnfId, Guid EnvironmentId, long Epoch, InstanceRunState State, bool Fenced, DateTimeOffset Since);

/// <summary>The register a subject's sealing key is quoted in: SHA-256 of the key's SubjectPublicKeyInfo.</summary>
public static class SealingMeasurement
{
    public const string Register = "sealing-key";

    public static string DigestOf(string subjectPublicKeyInfoBase64) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Convert.FromBase64String(subjectPublicKeyInfoBase64)));
}

/// <param name="ComponentIds">
/// The components whose state a partial move seals (each may run in a machine of its own); empty: the whole VNF's.
/// </param>
public sealed record SealOrder(
    Guid OperationId, Guid VnfId, Guid SourceInstanceId, long Epoch, Guid TargetEnvironmentId, string TargetSealingKey,
    IReadOnlyList<Guid> ComponentIds);

/// <param name="Digest">SHA-256 of the sealed blob as it travels.</param>
/// <param name="SealedToKeyId">The id of the target's sealing key the state is encrypted to.</param>
public sealed record SealReceipt(Guid OperationId, string Digest, string SealedToKeyId, long Epoch);

/// <param name="CurrentEpoch">The epoch the console holds current now; the target refuses to unseal any other.</param>
public sealed record UnsealOrder(Guid OperationId, Guid VnfId, Guid TargetEnvironmentId, Guid TargetInstanceId, long CurrentEpoch, long NewEpoch);

public sealed record RestoreOrder(Guid OperationId, Guid VnfId, Guid SnapshotId, Guid EnvironmentId, Guid InstanceId, long NewEpoch);

public enum LifecycleOperation
{
    Pause = 0,
    Resume = 1,
    Stop = 2,
    Start = 3,
    Restart = 4,
}

public sealed record LifecycleOrder(Guid OperationId, Guid VnfId, Guid InstanceId, LifecycleOperation Operation);

public sealed record FenceOrder(Guid VnfId, Guid InstanceId, string Reason);
