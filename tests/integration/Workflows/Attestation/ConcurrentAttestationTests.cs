using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Common;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Testing;
using Console.Workflows.Attestation;
using Console.Workflows.Attestation.Verifying;
using Console.Workflows.Requests;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Attestation;

/// <summary>Executions run in parallel: as many as there are requests, so they meet on one environment's attestation.</summary>
public sealed class ParallelExecutionFixture : WorkflowFixture
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Workflow:ExecutionParallelism"] = "20",
        // They are submitted all at once: without this, the executions would take turns while the submissions run
        // (ExecutionShare) and might never meet.
        ["Workflow:ExecutionParallelismUnderLoad"] = "20",
        ["Workflow:ExecutionDutyUnderLoad"] = "1",
    };
}

/// <summary>
/// The first attestation of an environment a test made enrols it through the test host's two people (first append to
/// its stream) and records the verdict: parallel
/// executions meeting a never-attested environment must all get through, not fail on the stream's version.
/// </summary>
public sealed class ConcurrentAttestationTests(ParallelExecutionFixture fixture) : IClassFixture<ParallelExecutionFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => fixture.Host;

    [Fact]
    public async Task ConcurrentAttestation_TwentyVerificationsOfANeverAttestedEnvironment_EnrolOnceAndRecordEveryVerdict()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var attestation = Host.Services.GetRequiredService<IAttestationService>();
        var outcomes = await AllAtOnce.RunAsync(20, _ => attestation.VerifyAsync(AttestedSubjectKind.Environment, s.Edge, s.ProbeVnf, Ct));

        outcomes.Where(o => !o.Accepted).Select(o => o.Detail).ShouldBeEmpty();
        await using var session = Host.Store.QuerySession();
        var events = (await session.Events.FetchStreamAsync(s.Edge, token: Ct)).Select(e => e.Data).ToList();
        // Enrolled once by the test host's two people (proposed, then approved by the other), never by trust on first use.
        events.OfType<EnrolmentProposed>().ShouldHaveSingleItem().ProposedBy.ShouldBe("test:enrolment-proposer");
        events.OfType<EnrolmentApproved>().ShouldHaveSingleItem().ApprovedBy.ShouldBe("test:enrolment-approver");
        events.OfType<AttestationKeyRegistered>().ShouldBeEmpty();
        events.OfType<EvidenceVerified>().Count().ShouldBe(20);
        var subject = (await session.LoadAsync<AttestationSubject>(s.Edge, Ct)).ShouldNotBeNull();
        subject.Verifications.ShouldBe(20);
        subject.Refusals.ShouldBe(0);
    }

    [Fact]
    public async Task ConcurrentAttestation_TwentyExecutionsAgainstANeverAttestedEnvironment_AllComplete()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        // A snapshot of the probe (Public only) needs no approval: all twenty start as soon as they are submitted,
        // and each attests the edge environment the console has never attested.
        var ids = await AllAtOnce.RunAsync(20, async n =>
        {
            var outcome = await Host.With<IConsoleCommandBus, Console.Workflows.Common.Outcome>(c => c.IssueAsync(
                new SubmitRequest(RequestKind.Snapshot, s.ProbeVnf, [], null, null, $"Probe copy {n}.", null), s.Operator));
            outcome.Succeeded.ShouldBeTrue(outcome.Refusal?.Message);
            return outcome.Id;
        });

        var finished = await Eventually.Until(
            () => Task.WhenAll(ids.Select(id => Host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id)))),
            all => all.All(d => d?.Request.Status is RequestStatus.Completed or RequestStatus.Failed),
            "all twenty executions to finish", TimeSpan.FromSeconds(90));

        // Every one of them has a reason to be judged on: none may fail for having met the others on a stream.
        finished.Where(d => d!.Request.Status != RequestStatus.Completed)
            .Select(d => $"{d!.Request.Id}: {d.Request.Outcome}")
            .ShouldBeEmpty();
        finished.ShouldAllBe(d => d!.Request.ExecutionAttempts == 1);
        finished.ShouldAllBe(d => d!.Request.LastAttestation!.StartsWith("Attested at trust level", StringComparison.Ordinal));
        await using var session = Host.Store.QuerySession();
        var events = (await session.Events.FetchStreamAsync(s.Edge, token: Ct)).Select(e => e.Data).ToList();
        events.OfType<EnrolmentApproved>().ShouldHaveSingleItem();
        events.OfType<EvidenceVerified>().Count().ShouldBe(20);
    }
}
