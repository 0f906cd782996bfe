using System.Security.Cryptography;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Marten;

namespace Console.Workflows.Attestation.Enrolling;

/// <summary>
/// Who enrols the simulated environments of a demo or a test host (<c>Attestation:Enrolment</c>). Empty in production:
/// there every environment waits for a person's proposal and a security officer's approval.
/// </summary>
public sealed class EnrolmentOptions
{
    /// <summary>The demo person who proposes (an administrator); with <see cref="DemoApprover"/>, turns demo enrolment on.</summary>
    public string? DemoProposer { get; set; }

    /// <summary>The demo person who approves (a security officer; never the proposer).</summary>
    public string? DemoApprover { get; set; }

    /// <summary>
    /// Test hosts only: an environment nobody ever proposed is enrolled by the two demo people when it is first
    /// attested (tests create environments after start-up). The demo enrols its inventory at seed time only.
    /// </summary>
    public bool DemoAtFirstUse { get; set; }

    public bool DemoEnabled => !string.IsNullOrWhiteSpace(DemoProposer) && !string.IsNullOrWhiteSpace(DemoApprover);
}

/// <summary>
/// Enrols the demo's simulated environments as two demo people would: the proposer reads the key, the EK and the
/// reference values the platform reports, proposes them, and the approver (another person, a security officer)
/// approves. Both decisions go through the same pure deciders as a person's, so the history shows two people and
/// the four-eyes rule holds. Only environments with no enrolment history are touched: a pending, rejected or
/// revoked enrolment is left to people.
/// </summary>
public static class DemoEnrolment
{
    public static async Task<int> EnrolAllAsync(
        IDocumentStore store, INfvInfrastructure infrastructure, EnrolmentOptions options, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        if (!options.DemoEnabled)
            return 0;
        IReadOnlyList<Guid> environments;
        await using (var query = store.QuerySession())
            environments = await query.Query<ExecutionEnvironment>().Select(e => e.Id).ToListAsync(ct);
        var enrolled = 0;
        foreach (var id in environments)
        {
            if (await EnrolAsync(store, infrastructure, options, time, id, ct))
                enrolled++;
        }

        return enrolled;
    }

    /// <summary>Proposes and approves <paramref name="environmentId"/>'s reported enrolment; false when it has enrolment history or the platform knows it not.</summary>
    public static async Task<bool> EnrolAsync(
        IDocumentStore store, INfvInfrastructure infrastructure, EnrolmentOptions options, TimeProvider time, Guid environmentId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(infrastructure);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        if (!options.DemoEnabled)
            return false;
        await using (var query = store.QuerySession())
        {
            if (await query.LoadAsync<AttestationSubject>(environmentId, ct) is { HasEnrolmentHistory: true })
                return false;
        }

        // A platform that reports no endorsement key cannot be enrolled, not even by the demo.
        if (await infrastructure.EnrolmentAsync(AttestedSubjectKind.Environment, environmentId, ct) is not { EndorsementKey: not null } reported)
            return false;
        var proposer = new Actor(options.DemoProposer!, options.DemoProposer!, new HashSet<string> { Roles.Administrator });
        var approver = new Actor(options.DemoApprover!, options.DemoApprover!, new HashSet<string> { Roles.SecurityOfficer });
        var ak = PemEncoding.WriteString("PUBLIC KEY", Convert.FromBase64String(reported.PublicKey));
        var ek = PemEncoding.WriteString("PUBLIC KEY", Convert.FromBase64String(reported.EndorsementKey));
        var values = reported.ReferenceValues.Select(m => new ReferenceValueInput(m.Register, m.Digest)).ToList();

        // Two executions meeting a never-enrolled environment at once: the loser of the first append finds the
        // winner's enrolment under the stream's lock and stops.
        return await StreamRace.WriteAsync(store, async session =>
        {
            var stream = await session.Events.FetchForExclusiveWriting<AttestationSubject>(environmentId, ct);
            if (stream.Aggregate is { HasEnrolmentHistory: true })
                return false;
            var now = time.GetUtcNow();
            var version = EnrolmentGuards.VersionOf(stream);
            var proposal = ProposeEnrolmentDecider.Decide(
                new ProposeEnrolment(environmentId, version, ak, ek, values, $"Demo seed: {reported.Source}."), stream.Aggregate, true, version, Guid.NewGuid(), proposer, now);
            if (proposal.Refusal is { } refused)
                throw new InvalidOperationException($"The demo enrolment of {environmentId} was refused: {refused.Message} {string.Join(" ", refused.FieldErrors.SelectMany(f => f.Value))}");
            var proposed = (EnrolmentProposed)proposal.Events.Single();
            var state = stream.Aggregate is null ? AttestationSubject.Create(proposed) : stream.Aggregate.Apply(proposed);
            var approval = DecideEnrolmentDecider.Approve(
                new ApproveEnrolment(environmentId, proposed.EnrolmentId, version + 1), state, true, version + 1, approver, now);
            if (approval.Refusal is { } notApproved)
                throw new InvalidOperationException($"The demo approval of {environmentId} was refused: {notApproved.Message}");
            stream.AppendMany([.. proposal.Events, .. approval.Events]);
            await session.SaveChangesAsync(ct);
            return true;
        }, ct);
    }
}
