using Console.Workflows.Common;
using Console.Workflows.Nfv;
using Marten;

namespace Console.Workflows.Attestation.Enrolling;

/// <summary>
/// The subject as registered. A VNF instance is registered the first time the console meets it, from what the
/// infrastructure that started it (on the console's own order, in an environment with an approved enrolment) vouches
/// for. An execution environment is never registered here: only an approved enrolment makes its key count
/// (<see cref="ProposeEnrolmentDecider"/>, <see cref="DecideEnrolmentDecider"/>).
/// </summary>
public static class SubjectEnrolment
{
    public const string By = "system:enrolment";

    /// <summary>The subject as registered, enrolling it first if it has no registration yet (null: the infrastructure knows no such subject).</summary>
    public static async Task<AttestationSubject?> EnsureEnrolledAsync(
        IDocumentStore store, INfvInfrastructure infrastructure, TimeProvider time, AttestedSubjectKind kind, Guid subjectId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(infrastructure);
        ArgumentNullException.ThrowIfNull(time);
        await using (var query = store.QuerySession())
        {
            var known = await query.LoadAsync<AttestationSubject>(subjectId, ct);
            if (kind == AttestedSubjectKind.Environment || known is { Registration: not null })
                return known;
        }

        if (await infrastructure.EnrolmentAsync(kind, subjectId, ct) is not { } enrolment)
            return null;
        // Two executions meeting a never-attested environment enrol it at the same moment: the loser of the first
        // append runs again, finds the winner's registration under the stream's lock and keeps it.
        await StreamRace.WriteAsync(store, async session =>
        {
            var stream = await session.Events.FetchForExclusiveWriting<AttestationSubject>(subjectId, ct);
            if (stream.Aggregate is { Registration: not null })
                return false;
            var now = time.GetUtcNow();
            stream.AppendMany(
                new AttestationKeyRegistered(subjectId, kind, enrolment.KeyId, enrolment.PublicKey, By, now),
                new ReferenceValuesRegistered(subjectId, enrolment.ReferenceValues, $"Instance started by the console: {enrolment.Source}.", By, now));
            await session.SaveChangesAsync(ct);
            return true;
        }, ct);

        await using var again = store.QuerySession();
        return await again.LoadAsync<AttestationSubject>(subjectId, ct);
    }
}
