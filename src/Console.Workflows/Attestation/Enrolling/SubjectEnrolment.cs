using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Marten;

namespace Console.Workflows.Attestation.Enrolling;

/// <summary>
/// Registers a subject's attestation key and reference values the first time the console meets it, from what the
/// infrastructure vouches for (trust on first use, for the embedded setup). An operator who holds golden values
/// registers them instead (append <see cref="ReferenceValuesRegistered"/> to the subject's stream); a registration
/// that exists is never overwritten here.
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
            if (await query.LoadAsync<AttestationSubject>(subjectId, ct) is { Registration: not null } known)
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
                new ReferenceValuesRegistered(subjectId, enrolment.ReferenceValues, $"Trust on first use: {enrolment.Source}.", By, now));
            await session.SaveChangesAsync(ct);
            return true;
        }, ct);

        await using var again = store.QuerySession();
        return await again.LoadAsync<AttestationSubject>(subjectId, ct);
    }

    /// <summary>Start-up: every execution environment of the inventory without a registration is enrolled.</summary>
    public static async Task<int> EnrolEnvironmentsAsync(IDocumentStore store, INfvInfrastructure infrastructure, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        IReadOnlyList<Guid> environments;
        IReadOnlyList<Guid> registered;
        await using (var query = store.QuerySession())
        {
            environments = await query.Query<ExecutionEnvironment>().Select(e => e.Id).ToListAsync(ct);
            registered = await query.Query<AttestationSubject>().Where(s => s.KeyId != null).Select(s => s.Id).ToListAsync(ct);
        }

        var enrolled = 0;
        foreach (var id in environments.Except(registered))
        {
            if (await EnsureEnrolledAsync(store, infrastructure, time, AttestedSubjectKind.Environment, id, ct) is not null)
                enrolled++;
        }

        return enrolled;
    }
}
