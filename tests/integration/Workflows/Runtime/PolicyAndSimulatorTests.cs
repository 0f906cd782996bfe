using System.Security.Cryptography;
using System.Text.Json;
using Console.Nfv.Simulator;
using Console.Testing;
using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Attestation;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Console.Workflows.Policy;
using Console.Workflows.Policy.Seeding;
using Console.Workflows.Requests;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Runtime;

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
        var refused = await Host.With<IConsoleCommandBus, Outcome>(p => p.IssueAsync(new RevisePolicy(1, stricter, "Shorter waits"),
            RuntimeScenario.Approver(1)));
        refused.Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.RevisePolicy));

        var revised = await Host.With<IConsoleCommandBus, Outcome>(p => p.IssueAsync(new RevisePolicy(1, stricter, "Shorter waits"), Admin));
        revised.Succeeded.ShouldBeTrue(revised.Refusal?.Message);
        var stale = await Host.With<IConsoleCommandBus, Outcome>(p => p.IssueAsync(new RevisePolicy(1, stricter, "Lost update"), Admin));
        stale.Refusal.ShouldBeRefusal(RefusalKind.Conflict,
            "Someone else acted first: the policy is now at revision 2, you edited revision 1. Reload it and apply your change again.");

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

    [Fact]
    public async Task Simulator_PlatformKeys_LiveOutsideTheDatabase_AndAnEarlierVersionsRowMovesOutOnFirstUse()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var infrastructure = Host.Services.GetRequiredService<INfvInfrastructure>();
        var folder = Host.Services.GetRequiredService<IOptionsMonitor<NfvSimulatorOptions>>().CurrentValue.ResolvedKeyFolder;

        var enrolment = (await infrastructure.EnrolmentAsync(AttestedSubjectKind.Environment, s.DcA, Ct)).ShouldNotBeNull();

        await using (var query = Host.Store.QuerySession())
            (await query.LoadAsync<SimulatedSubjectKeys>(s.DcA, Ct)).ShouldBeNull("a platform's keys are not the database's to hold");
        var file = Path.Combine(folder, s.DcA.ToString("N") + ".json");
        File.Exists(file).ShouldBeTrue();
        if (!OperatingSystem.IsWindows())
            File.GetUnixFileMode(file).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        using (var stored = JsonDocument.Parse(File.ReadAllText(file)))
            stored.RootElement.GetProperty("attestationPublicKey").GetString().ShouldBe(enrolment.PublicKey);

        // Keys an earlier version kept in the database: the same key answers, from its file, and the row is gone.
        using var legacyKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var legacySealing = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var legacy = new SimulatedSubjectKeys(s.DcB, AttestedSubjectKind.Environment,
            Convert.ToBase64String(legacyKey.ExportPkcs8PrivateKey()), Convert.ToBase64String(legacyKey.ExportSubjectPublicKeyInfo()),
            Convert.ToBase64String(legacySealing.ExportPkcs8PrivateKey()), Convert.ToBase64String(legacySealing.ExportSubjectPublicKeyInfo()),
            DateTimeOffset.UtcNow);
        await using (var session = Host.Store.LightweightSession())
        {
            session.Store(legacy);
            await session.SaveChangesAsync(Ct);
        }

        var moved = (await infrastructure.EnrolmentAsync(AttestedSubjectKind.Environment, s.DcB, Ct)).ShouldNotBeNull();

        moved.PublicKey.ShouldBe(legacy.AttestationPublicKey);
        await using (var query = Host.Store.QuerySession())
            (await query.LoadAsync<SimulatedSubjectKeys>(s.DcB, Ct)).ShouldBeNull();
        File.Exists(Path.Combine(folder, s.DcB.ToString("N") + ".json")).ShouldBeTrue();
        var quote = await infrastructure.QuoteAsync(AttestedSubjectKind.Environment, s.DcB, "nonce-after-the-move", Ct);
        using var verifier = ECDsa.Create();
        verifier.ImportSubjectPublicKeyInfo(Convert.FromBase64String(legacy.AttestationPublicKey), out _);
        verifier.VerifyData(QuoteEncoding.CanonicalBytes(quote.Quote), Convert.FromBase64String(quote.Signature), HashAlgorithmName.SHA256,
            DSASignatureFormat.Rfc3279DerSequence).ShouldBeTrue();
    }

    [Fact]
    public async Task Simulator_FirstReadsOfAPlatformAtOnce_AllSeeOneAttestationAndOneEndorsementKey()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var infrastructure = Host.Services.GetRequiredService<INfvInfrastructure>();
        // Enrolments and quotes of a platform nobody asked about yet, all at once: the platform makes its keys once.
        var enrolling = AllAtOnce.RunAsync(20, async _ =>
            (await infrastructure.EnrolmentAsync(AttestedSubjectKind.Environment, s.Edge, Ct)).ShouldNotBeNull());
        var quoting = AllAtOnce.RunAsync(20, n => infrastructure.QuoteAsync(AttestedSubjectKind.Environment, s.Edge, $"nonce-{n}", Ct));
        var enrolled = await enrolling;
        var quoted = await quoting;

        enrolled.Select(e => e.KeyId).Distinct().ShouldHaveSingleItem();
        enrolled.Select(e => e.EndorsementKey).Distinct().ShouldHaveSingleItem().ShouldNotBeNull();
        quoted.Select(q => q.KeyId).Distinct().ShouldHaveSingleItem().ShouldBe(enrolled[0].KeyId);
        // A quote after the rush still reports the endorsement key the enrolments saw (no write undid another).
        (await infrastructure.EnrolmentAsync(AttestedSubjectKind.Environment, s.Edge, Ct))!.EndorsementKey.ShouldBe(enrolled[0].EndorsementKey);
    }
}
