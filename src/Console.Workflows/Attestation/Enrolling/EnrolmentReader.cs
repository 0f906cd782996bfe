using System.Security.Cryptography;
using Console.Workflows.Nfv;
using Marten;

namespace Console.Workflows.Attestation.Enrolling;

/// <summary>A proposal as the platform reports it, in the form a person pastes (PEM texts, PCR and digest).</summary>
public sealed record EnrolmentDraft(string AkPublicKeyPem, string EkPem, IReadOnlyList<ReferenceValueInput> ReferenceValues, string Source);

/// <summary>
/// An environment's attestation record (null when nothing was ever proposed or attested) and the version of its stream,
/// which every enrolment command sends back (inventory and attestation events share the environment's stream).
/// </summary>
public sealed record EnrolmentRecord(Guid EnvironmentId, AttestationSubject? Subject, int Version);

/// <summary>What the environment page and the API read about an environment's enrolment and its last quote.</summary>
public interface IEnrolmentReader
{
    /// <summary>The environment's attestation record (enrolment, refused keys, last verdict), or null when no such environment exists.</summary>
    Task<EnrolmentRecord?> GetAsync(Guid environmentId, CancellationToken ct = default);

    /// <summary>What the environment's platform reports as its AK, EK and current values, to check and propose (null: it reports nothing).</summary>
    Task<EnrolmentDraft?> ReportedAsync(Guid environmentId, CancellationToken ct = default);
}

public sealed class MartenEnrolmentReader(IDocumentStore store, INfvInfrastructure infrastructure) : IEnrolmentReader
{
    public async Task<EnrolmentRecord?> GetAsync(Guid environmentId, CancellationToken ct = default)
    {
        await using var session = store.QuerySession();
        if (await session.Events.FetchStreamStateAsync(environmentId, ct) is not { } state)
            return null;
        return new EnrolmentRecord(environmentId, await session.LoadAsync<AttestationSubject>(environmentId, ct), (int)state.Version);
    }

    public async Task<EnrolmentDraft?> ReportedAsync(Guid environmentId, CancellationToken ct = default)
    {
        if (await infrastructure.EnrolmentAsync(AttestedSubjectKind.Environment, environmentId, ct) is not { } reported)
            return null;
        return new EnrolmentDraft(
            PemEncoding.WriteString("PUBLIC KEY", Convert.FromBase64String(reported.PublicKey)),
            reported.EndorsementKey is null ? "" : PemEncoding.WriteString("PUBLIC KEY", Convert.FromBase64String(reported.EndorsementKey)),
            [.. reported.ReferenceValues.Select(m => new ReferenceValueInput(m.Register, m.Digest))],
            reported.Source);
    }
}
