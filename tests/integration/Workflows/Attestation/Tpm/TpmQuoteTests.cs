using System.Diagnostics;
using System.Security.Cryptography;
using Console.Nfv.Simulator.Tpm;
using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Audit.Integrity;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Workflows.Attestation;
using Console.Workflows.Attestation.Tpm;
using Console.Workflows.Attestation.Verifying;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Console.Workflows.Inventory;
using Console.Workflows.Requests;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Attestation.Tpm;

/// <summary>
/// Three software TPMs started through <c>infra/tpm/swtpm.sh ensure test ...</c> (installing swtpm and tpm2-tools
/// when missing) before the workflow host starts; each test maps its scenario's environments to them.
/// </summary>
public sealed class SwtpmFixture : WorkflowFixture
{
    public const string Good = "tpm-good";
    public const string Other = "tpm-other";
    public const string Tampered = "tpm-tampered";

    private Dictionary<string, string> _settings = [];

    public override async ValueTask InitializeAsync()
    {
        _settings = (await SwtpmScript.RunAsync("ensure", Good, Other, Tampered))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Where(l => l.StartsWith("Attestation__Tpm__", StringComparison.Ordinal))
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);
        await base.InitializeAsync();
    }

    public string Setting(string tpm, string name) => _settings[$"Attestation__Tpm__Environments__{tpm}__{name}"];

    /// <summary>Maps an environment (by id) to one of the TPMs, as an operator's configuration would.</summary>
    public void Map(Guid environmentId, string tpm)
    {
        foreach (var name in new[] { "Tcti", "AkHandle", "AkPublicKey", "EkPublicKey" })
            Host.Set($"Attestation:Tpm:Environments:{environmentId:D}:{name}", Setting(tpm, name));
    }
}

internal static class SwtpmScript
{
    public static async Task<string> RunAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(TestRepository.Root, "infra", "tpm", "swtpm.sh"));
        start.ArgumentList.Add(arguments[0]);
        start.ArgumentList.Add("test");
        foreach (var argument in arguments.Skip(1))
            start.ArgumentList.Add(argument);
        return await RunAsync(start, "infra/tpm/swtpm.sh " + string.Join(' ', arguments));
    }

    /// <summary>Runs a tpm2-tools command against one of the fixture's TPMs, as someone on the platform would.</summary>
    public static Task<string> ToolAsync(string tcti, string tool, params string[] arguments)
    {
        var start = new ProcessStartInfo(tool) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["TPM2TOOLS_TCTI"] = tcti;
        return RunAsync(start, tool);
    }

    private static async Task<string> RunAsync(ProcessStartInfo start, string what)
    {
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{what} did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{what} failed ({process.ExitCode}): {await errors}");
        return await output;
    }
}

/// <summary>
/// Attestation from TPM 2.0 quotes end to end: the console's nonce goes to a real (software) TPM through tpm2_quote,
/// the quote comes back as TPMS_ATTEST, TPMT_SIGNATURE and PCR values, and the console verifies it. Refusals are
/// recorded with their reason and alerted, and execution does not proceed.
/// </summary>
public sealed class TpmQuoteTests(SwtpmFixture fixture) : IClassFixture<SwtpmFixture>
{
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => fixture.Host;

    private IAttestationService Attestation => Host.Services.GetRequiredService<IAttestationService>();

    private Tpm2ToolsAttester Attester => Host.Services.GetRequiredService<Tpm2ToolsAttester>();

    [Fact]
    public async Task TpmQuote_Valid_IsAcceptedAndTheRecordKeepsTheQuoteTheTpmSigned()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        fixture.Map(s.DcB, SwtpmFixture.Good);

        var outcome = await Attestation.VerifyAsync(AttestedSubjectKind.Environment, s.DcB, null, Ct);

        outcome.Accepted.ShouldBeTrue(outcome.Detail);
        outcome.Detail.ShouldContain("TPM quote over sha256:0, sha256:7");
        var subject = await Load<AttestationSubject>(s.DcB);
        subject.KeyId.ShouldBe(EvidenceVerifier.KeyIdOf(TpmPublicKey.SubjectPublicKeyInfo(await File.ReadAllBytesAsync(fixture.Setting(SwtpmFixture.Good, "AkPublicKey"), Ct))));
        subject.ReferenceValues.Select(r => r.Register).ShouldBe(["sha256:0", "sha256:7"]);
        var recorded = subject.LastVerification.ShouldNotBeNull();
        var quote = TpmQuoteInfo.Parse(Convert.FromBase64String(recorded.TpmAttest.ShouldNotBeNull()));
        quote.ExtraData.ShouldBe(Convert.FromHexString(outcome.Nonce));
        TpmEcdsaSignature.Parse(Convert.FromBase64String(recorded.TpmSignature.ShouldNotBeNull())).HashAlgorithm.ShouldBe(TpmAlgorithm.Sha256);
    }

    [Fact]
    public async Task TpmQuote_ChangedPcrAfterEnrolment_IsRefusedAlerted_AndTheSnapshotDoesNotRun()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        // Something on the platform changes its secure-boot policy: PCR 7 moves away from the enrolled value.
        await EnrolThenExtendAsync(s.Edge, 7, "secure-boot policy: disabled");
        var id = await SubmitAsync(new SubmitRequest(RequestKind.Snapshot, s.ProbeVnf, [], null, null, "Probe copy.", null), s.Operator);

        var failed = await Eventually.Until(() => Details(id), d => d?.Request.Status is RequestStatus.Failed or RequestStatus.Completed, $"request {id} to finish");
        failed!.Request.Status.ShouldBe(RequestStatus.Failed);
        failed.Request.Outcome.ShouldNotBeNull().ShouldContain("sha256:7 is");
        var last = (await Load<AttestationSubject>(s.Edge)).LastVerification.ShouldNotBeNull();
        (last.Accepted, last.Refusal).ShouldBe((false, (EvidenceRefusal?)EvidenceRefusal.MeasurementMismatch));
        last.TpmAttest.ShouldNotBeNull();
        var alert = (await AlertsFor(s.ProbeVnf)).ShouldHaveSingleItem();
        (alert.SubjectId, alert.Reason).ShouldBe((s.Edge, nameof(EvidenceRefusal.MeasurementMismatch)));
    }

    [Fact]
    public async Task TpmQuote_InventorySaysAttested_CannotMakeAChangedPcrPass()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        await EnrolThenExtendAsync(s.DcA, 0, "patched firmware");

        // An administrator records the environment as failed and then as attested again: the TPM's quote decides.
        foreach (var status in new[] { AttestationStatus.Failed, AttestationStatus.Attested })
        {
            await using var session = Host.Store.LightweightSession();
            session.Events.Append(s.DcA, new EnvironmentAttestationRecorded(s.DcA, status, "admin-mallory", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync(Ct);
        }

        (await Load<ExecutionEnvironment>(s.DcA)).AttestationStatus.ShouldBe(AttestationStatus.Attested);
        var outcome = await Attestation.VerifyAsync(AttestedSubjectKind.Environment, s.DcA, s.Vnf, Ct);

        outcome.Refusal.ShouldBe(EvidenceRefusal.MeasurementMismatch);
        outcome.Detail.ShouldContain("sha256:0 is");
    }

    [Fact]
    public async Task TpmQuote_UnknownAk_AnotherTpmAnsweringForTheEnvironment_IsRefusedAndAlerted()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        fixture.Map(s.DcB, SwtpmFixture.Good);
        (await Attestation.VerifyAsync(AttestedSubjectKind.Environment, s.DcB, null, Ct)).Accepted.ShouldBeTrue();

        fixture.Map(s.DcB, SwtpmFixture.Other);
        var outcome = await Attestation.VerifyAsync(AttestedSubjectKind.Environment, s.DcB, s.Vnf, Ct);

        outcome.Refusal.ShouldBe(EvidenceRefusal.UnknownKey);
        outcome.Detail.ShouldContain("not by the registered attestation key");
        (await AlertsFor(s.Vnf)).ShouldHaveSingleItem().Reason.ShouldBe(nameof(EvidenceRefusal.UnknownKey));
        (await Load<AttestationSubject>(s.DcB)).ShouldSatisfyAllConditions(
            x => x.Verifications.ShouldBe(2), x => x.Refusals.ShouldBe(1));
    }

    [Fact]
    public async Task TpmQuote_ReplayedNonce_AFreshQuoteForAnEarlierNonce_IsRefused()
    {
        var (environment, registration) = await EnrolledAsync(SwtpmFixture.Good);
        var earlier = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var replayed = await Attester.QuoteAsync(environment, "replayer", Tpm(SwtpmFixture.Good), earlier, Ct);
        var asked = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));

        // Whatever nonce the attester claims beside the quote, the TPM signed the earlier one.
        var claimed = replayed with { Quote = replayed.Quote with { Nonce = asked } };
        var verdict = EvidenceVerifier.Verify(claimed, environment, asked, registration, replayed.Quote.IssuedAt, MaxAge);

        verdict.Refusal.ShouldBe(EvidenceRefusal.WrongNonce);
        EvidenceVerifier.Verify(replayed, environment, earlier, registration, replayed.Quote.IssuedAt, MaxAge).Accepted.ShouldBeTrue();
    }

    [Fact]
    public async Task TpmQuote_Stale_IsRefusedWithItsAge()
    {
        var (environment, registration) = await EnrolledAsync(SwtpmFixture.Good);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var evidence = await Attester.QuoteAsync(environment, "slow", Tpm(SwtpmFixture.Good), nonce, Ct);

        var verdict = EvidenceVerifier.Verify(evidence, environment, nonce, registration, evidence.Quote.IssuedAt + MaxAge + TimeSpan.FromSeconds(1), MaxAge);

        verdict.Refusal.ShouldBe(EvidenceRefusal.Stale);
        verdict.Detail.ShouldContain("at most 5 min is accepted");
    }

    [Fact]
    public async Task TpmQuote_SignatureOverOtherData_IsRefused()
    {
        var (environment, registration) = await EnrolledAsync(SwtpmFixture.Good);
        var nonce = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var evidence = await Attester.QuoteAsync(environment, "forger", Tpm(SwtpmFixture.Good), nonce, Ct);
        // The other TPM's quote over the same nonce, presented with this TPM's signature.
        var other = await Attester.QuoteAsync(environment, "forger", Tpm(SwtpmFixture.Other), nonce, Ct);
        var swapped = evidence with { Tpm = other.Tpm };

        var verdict = EvidenceVerifier.Verify(swapped, environment, nonce, registration, evidence.Quote.IssuedAt, MaxAge);

        verdict.Refusal.ShouldBe(EvidenceRefusal.BadSignature);
        verdict.Detail.ShouldContain("does not verify with the registered attestation key");
    }

    private TpmEnvironmentOptions Tpm(string name) => new()
    {
        Tcti = fixture.Setting(name, "Tcti"),
        AkHandle = fixture.Setting(name, "AkHandle"),
        AkPublicKey = fixture.Setting(name, "AkPublicKey"),
        EkPublicKey = fixture.Setting(name, "EkPublicKey"),
    };

    private async Task<(Guid Environment, AttestationRegistration Registration)> EnrolledAsync(string tpm)
    {
        var environment = Guid.NewGuid();
        var enrolment = await Attester.EnrolmentAsync(environment, "under test", Tpm(tpm), Ct);
        return (environment, new AttestationRegistration(environment, AttestedSubjectKind.Environment, enrolment.KeyId, enrolment.PublicKey, enrolment.ReferenceValues));
    }

    /// <summary>
    /// The environment on a freshly reset TPM (it boots again and measures the same firmware and policy), enrolled
    /// and accepted once; then <paramref name="measurement"/> is extended into <paramref name="pcr"/>.
    /// </summary>
    private async Task EnrolThenExtendAsync(Guid environment, int pcr, string measurement)
    {
        await SwtpmScript.RunAsync("stop", SwtpmFixture.Tampered);
        await SwtpmScript.RunAsync("ensure", SwtpmFixture.Tampered);
        fixture.Map(environment, SwtpmFixture.Tampered);
        (await Attestation.VerifyAsync(AttestedSubjectKind.Environment, environment, null, Ct)).Accepted.ShouldBeTrue();
        await SwtpmScript.ToolAsync(fixture.Setting(SwtpmFixture.Tampered, "Tcti"), "tpm2_pcrextend",
            $"{pcr}:sha256=" + Convert.ToHexStringLower(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(measurement))));
    }

    private async Task<Guid> SubmitAsync(SubmitRequest request, Actor actor)
    {
        var outcome = await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(request, actor));
        outcome.Succeeded.ShouldBeTrue(outcome.Refusal?.Message);
        return outcome.Id;
    }

    private Task<RequestDetails?> Details(Guid id) => Host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id));

    private async Task<T> Load<T>(Guid id) where T : class
    {
        await using var session = Host.Store.QuerySession();
        return (await session.LoadAsync<T>(id, Ct)).ShouldNotBeNull();
    }

    private async Task<IReadOnlyList<SecurityAlertRow>> AlertsFor(Guid vnfId) =>
        (await Host.With<IContinuityReader, SecurityAlertPage>(r => r.AlertsAsync(new SecurityAlertQuery(SecurityAlertKind.EvidenceRefused, vnfId), Ct))).Rows;
}
