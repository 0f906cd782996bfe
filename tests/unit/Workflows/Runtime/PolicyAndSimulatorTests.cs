using System.Text.Json;
using Console.Nfv.Simulator;
using Console.UnitTests.Infrastructure;
using Console.Workflows.Attestation;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Console.Workflows.Policy;
using Console.Workflows.Policy.Seeding;
using Console.Workflows.Requests;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Runtime;

/// <summary>The policy service and the simulated infrastructure against the same host and database.</summary>
public sealed class PolicyAndSimulatorTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly Actor Admin = new("admin-1", "Ada Admin", new HashSet<string> { Roles.Administrator });

    private WorkflowHost Host => fixture.Host;

    [Fact]
    public async Task Policy_IsSeededOnce_RevisedByAnAdministrator_AndKeepsItsHistory()
    {
        (await Host.Services.EnsureApprovalPolicyAsync(Ct)).ShouldBeFalse();
        var current = await Host.With<IPolicyReader, ApprovalPolicy>(p => p.CurrentAsync());
        current.Revision.ShouldBe(1);
        current.LastChangedBy.ShouldBe(PolicySeed.By);
        JsonSerializer.Serialize(current.Document).ShouldBe(JsonSerializer.Serialize(DefaultPolicy.Document));

        var stricter = current.Document with { PendingRequestTimeout = TimeSpan.FromHours(8) };
        var refused = await Host.With<IPolicyCommands, Outcome>(p => p.ReviseAsync(new RevisePolicy(1, stricter, "Shorter waits"),
            RuntimeScenario.Approver(1)));
        refused.Refusal.ShouldNotBeNull().Kind.ShouldBe(RefusalKind.Forbidden);

        var revised = await Host.With<IPolicyCommands, Outcome>(p => p.ReviseAsync(new RevisePolicy(1, stricter, "Shorter waits"), Admin));
        revised.Succeeded.ShouldBeTrue(revised.Refusal?.Message);
        var stale = await Host.With<IPolicyCommands, Outcome>(p => p.ReviseAsync(new RevisePolicy(1, stricter, "Lost update"), Admin));
        stale.Refusal.ShouldNotBeNull().Kind.ShouldBe(RefusalKind.Conflict);

        var after = await Host.With<IPolicyReader, ApprovalPolicy>(p => p.CurrentAsync());
        after.Revision.ShouldBe(2);
        after.Document.PendingRequestTimeout.ShouldBe(TimeSpan.FromHours(8));
        var history = await Host.With<IPolicyReader, IReadOnlyList<PolicyRevisionEntry>>(p => p.HistoryAsync());
        history.Select(h => (h.Revision, h.By, h.Reason)).ShouldBe([(2, "admin-1", "Shorter waits"), (1, PolicySeed.By, PolicySeed.Reason)]);
    }

    [Fact]
    public async Task Simulator_SameOperationIdTwice_DoesTheWorkOnceAndReturnsTheFirstResult()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var infrastructure = Host.Services.GetRequiredService<INfvInfrastructure>();
        var order = new MigrationOrder(Guid.NewGuid(), s.Vnf, [s.N2], s.DcA, s.DcB);

        var both = await Task.WhenAll(
            infrastructure.MigrateAsync(order, Ct),
            infrastructure.MigrateAsync(order, Ct));
        var again = await infrastructure.MigrateAsync(order, Ct);

        both[0].ShouldBe(both[1]);
        again.ShouldBe(both[0]);
        await using var session = Host.Store.QuerySession();
        (await session.Query<SimulatedOperation>().Where(o => o.VnfId == s.Vnf).CountAsync(Ct)).ShouldBe(1);
        (await session.LoadAsync<SimulatedPlacement>(s.N2, Ct)).ShouldNotBeNull().EnvironmentId.ShouldBe(s.DcB);
    }

    [Fact]
    public async Task Simulator_Quote_EchoesTheNonce_IsSignedByTheEnrolledKey_AndChangesAMeasurementForConfiguredEnvironments()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var infrastructure = Host.Services.GetRequiredService<INfvInfrastructure>();

        var enrolment = (await infrastructure.EnrolmentAsync(AttestedSubjectKind.Environment, s.DcA, Ct)).ShouldNotBeNull();
        var registration = new AttestationRegistration(s.DcA, AttestedSubjectKind.Environment, enrolment.KeyId, enrolment.PublicKey, enrolment.ReferenceValues);
        var good = await infrastructure.QuoteAsync(AttestedSubjectKind.Environment, s.DcA, "nonce-1", Ct);
        Host.Set("Nfv:Simulator:FailAttestationFor", $"DC A {s.Suffix}");
        AttestationEvidence bad;
        try
        {
            bad = await infrastructure.QuoteAsync(AttestedSubjectKind.Environment, s.DcA, "nonce-2", Ct);
        }
        finally
        {
            Host.Set("Nfv:Simulator:FailAttestationFor", "");
        }

        good.Quote.Nonce.ShouldBe("nonce-1");
        good.Quote.IssuedAt.ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow.AddSeconds(1));
        EvidenceVerifier.Verify(good, s.DcA, "nonce-1", registration, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5)).Accepted.ShouldBeTrue();
        bad.Quote.Nonce.ShouldBe("nonce-2");
        var refused = EvidenceVerifier.Verify(bad, s.DcA, "nonce-2", registration, DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        refused.Refusal.ShouldBe(EvidenceRefusal.MeasurementMismatch);
    }
}
