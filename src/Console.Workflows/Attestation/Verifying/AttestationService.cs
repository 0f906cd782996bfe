using System.Security.Cryptography;
using Console.Workflows.Alerts.Raising;
using Console.Workflows.Attestation.Enrolling;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Console.Workflows.Nfv;
using Console.Workflows.Requests;
using Marten;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Attestation.Verifying;

/// <summary>The console's judgement of one piece of evidence, with the evidence itself (null when none came).</summary>
/// <param name="Nonce">The nonce the console sent for this verification.</param>
public sealed record AttestationOutcome(Guid SubjectId, string Nonce, bool Accepted, EvidenceRefusal? Refusal, string Detail, AttestationEvidence? Evidence)
{
    /// <summary>The digest the subject quoted for <paramref name="register"/>, if its evidence was accepted.</summary>
    public string? AcceptedMeasurement(string register) =>
        Accepted ? Evidence?.Quote.Measurements.FirstOrDefault(m => m.Register == register)?.Digest : null;
}

/// <summary>
/// Asks a subject for a quote over a fresh nonce, verifies it against the subject's registration, and records every
/// verification (accepted or refused with its reason) as <see cref="EvidenceVerified"/> on the subject's stream.
/// </summary>
public interface IAttestationService
{
    /// <param name="vnfId">The VNF an instance belongs to, so that a refusal is listed with it.</param>
    Task<AttestationOutcome> VerifyAsync(AttestedSubjectKind kind, Guid subjectId, Guid? vnfId, CancellationToken ct);

    /// <summary>
    /// The same, asking the subject for its quote through <paramref name="through"/>: an execution passes the
    /// infrastructure as it sees it, so that waiting for the quote does not hold its turn (<see cref="Requests.Executing.ExecutionShare"/>).
    /// </summary>
    Task<AttestationOutcome> VerifyAsync(AttestedSubjectKind kind, Guid subjectId, Guid? vnfId, INfvInfrastructure through, CancellationToken ct);
}

public sealed class AttestationService(
    IDocumentStore store,
    INfvInfrastructure infrastructure,
    TimeProvider time,
    RequestWorkflowOptions options,
    EnrolmentOptions enrolment,
    ILogger<AttestationService> logger) : IAttestationService
{
    public const string By = "system:attestation";

    public Task<AttestationOutcome> VerifyAsync(AttestedSubjectKind kind, Guid subjectId, Guid? vnfId, CancellationToken ct) =>
        VerifyAsync(kind, subjectId, vnfId, infrastructure, ct);

    public async Task<AttestationOutcome> VerifyAsync(
        AttestedSubjectKind kind, Guid subjectId, Guid? vnfId, INfvInfrastructure through, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(through);
        // Enrolment asks the infrastructure inside its own transactions: never through an execution's turn.
        var subject = await SubjectEnrolment.EnsureEnrolledAsync(store, infrastructure, time, kind, subjectId, ct);
        if (kind == AttestedSubjectKind.Environment && enrolment.DemoAtFirstUse && subject is not { HasEnrolmentHistory: true })
        {
            // Whoever enrolled it (this call or a concurrent one), read the enrolment as it now stands.
            await DemoEnrolment.EnrolAsync(store, infrastructure, enrolment, time, subjectId, ct);
            subject = await SubjectEnrolment.EnsureEnrolledAsync(store, infrastructure, time, kind, subjectId, ct);
        }
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var evidence = await through.QuoteAsync(kind, subjectId, nonce, ct);
        var now = time.GetUtcNow();
        // Enrolment first (no approved key, a pending, rejected or revoked one), then the evidence itself.
        var verdict = EnrolmentGate.Judge(kind, subjectId, subject, evidence.KeyId)
            ?? EvidenceVerifier.Verify(evidence, subjectId, nonce, subject?.Registration, now, options.AttestationMaxAge);

        var verified = new EvidenceVerified(
            subjectId, nonce, evidence.KeyId, evidence.Quote.IssuedAt, verdict.Accepted, verdict.Refusal, verdict.Detail, By, now,
            evidence.Tpm?.Attest, evidence.Tpm is null ? null : evidence.Signature);
        // Every execution in an environment records its verdict on the environment's one stream: take the stream's
        // row lock so that concurrent executions queue here for a moment instead of failing on the version check. A
        // stream not written yet has no row to lock: the loser of that first append records its verdict again.
        await StreamRace.WriteAsync(store, async session =>
        {
            var stream = await session.Events.FetchForExclusiveWriting<AttestationSubject>(subjectId, ct);
            stream.AppendOne(verified);
            if (!verdict.Accepted)
                session.Raise(SecurityAlerts.Of(verified, kind, vnfId));
            await session.SaveChangesAsync(ct);
            return true;
        }, ct);

        if (!verdict.Accepted)
            logger.LogWarning("Evidence of {Kind} {SubjectId} refused ({Refusal}): {Detail}", kind, subjectId, verdict.Refusal, verdict.Detail);
        return new AttestationOutcome(subjectId, nonce, verdict.Accepted, verdict.Refusal, verdict.Detail, evidence);
    }
}
