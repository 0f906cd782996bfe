using Console.Workflows.Audit.Integrity.Proofs;
using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Common;

namespace Console.Workflows.Audit.Integrity;

/// <summary>
/// What the integrity page and the alert banner read and run on the chain (acknowledging an alert is a command on the
/// bus: <see cref="Acknowledging.AcknowledgeIntegrityAlert"/>).
/// </summary>
public interface IIntegrityService
{
    Task<IntegrityOverview> OverviewAsync(CancellationToken ct = default);

    /// <summary>The integrity stream only (cheap): the open alert and the latest runs.</summary>
    Task<IntegrityStatus> StatusAsync(CancellationToken ct = default);

    /// <summary>Verifies the whole log now and records the result. Security officers and auditors only.</summary>
    Task<VerificationOutcome> VerifyAsync(Actor actor, IProgress<VerificationProgress>? progress = null, CancellationToken ct = default);

    /// <summary>Signs a checkpoint at the chain head now (none when the head has not moved). Security officers and auditors.</summary>
    Task<CheckpointOutcome> CheckpointNowAsync(Actor actor, CancellationToken ct = default);

    /// <summary>Writes the offline proof of a checkpoint (latest when null) into <paramref name="directory"/>.</summary>
    Task<ProofOutcome> ExportProofAsync(long? checkpointNumber, string directory, Actor actor, CancellationToken ct = default);
}

public sealed record VerificationOutcome(VerificationReport? Report, Refusal? Refusal);

public sealed record ProofOutcome(ProofExport? Proof, Refusal? Refusal);

/// <param name="Number">The new checkpoint's number, or null when the head had not moved since the last one.</param>
public sealed record CheckpointOutcome(long? Number, Refusal? Refusal);

/// <summary>A checkpoint without its signature, for display.</summary>
public sealed record CheckpointInfo(long Number, long Position, long Sequence, DateTimeOffset CreatedAt, string KeyId);

/// <summary>Where the chain stands, the signing key, and the integrity stream.</summary>
/// <param name="KeyProblem">Why the signing key cannot be used, when it cannot (then KeyId and PublicKeyPem are null).</param>
public sealed record IntegrityOverview(
    long ChainHeadPosition,
    long ChainHeadSequence,
    DateTimeOffset? ChainHeadRecordedAt,
    long PendingEvents,
    CheckpointInfo? LastCheckpoint,
    long CheckpointCount,
    string? KeyId,
    string? PublicKeyPem,
    string? KeyProblem,
    bool VerificationRunning,
    IntegrityStatus Status);
