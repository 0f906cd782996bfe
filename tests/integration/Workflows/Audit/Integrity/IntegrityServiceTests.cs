using System.Diagnostics;
using Console.IntegrationTests.Infrastructure;
using Console.Testing.Workflows.Common;
using Console.Workflows.Audit.Integrity;
using Console.Workflows.Audit.Integrity.Acknowledging;
using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Common;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Audit.Integrity;

/// <summary>A workflow host (as the web host registers it) whose chain writer runs in the background, on a test key.</summary>
public sealed class ChainingHostFixture : WorkflowFixture
{
    public string KeyFile { get; } = AuditLog.NewKeyFile();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Audit:SigningKeyFile"] = KeyFile,
        ["Audit:CheckpointEveryEntries"] = "25",
        ["Audit:GapSettleTime"] = "00:00:00.200",
        ["Audit:ChainPollInterval"] = "00:00:00.200",
        ["Audit:VerifyEvery"] = "00:00:00",
    };
}

/// <summary>
/// The integrity service on a running host: the background chain writer chains and checkpoints what is appended,
/// verification runs for security officers and auditors only and is itself recorded, a failure opens the alert that
/// only a security officer acknowledges, and an exported proof passes the offline script (and fails once altered).
/// The tests share one host and run one after the other; each leaves the log intact.
/// </summary>
public sealed class IntegrityServiceTests(ChainingHostFixture fixture) : IClassFixture<ChainingHostFixture>
{
    private static readonly Actor Officer =
        new("security", "Sam Security", new HashSet<string> { Roles.SecurityOfficer });

    private static readonly Actor Auditor = new("auditor", "Ada Auditor", new HashSet<string> { Roles.Auditor });

    private static readonly Actor Operator = new("operator", "Olivia Operator", new HashSet<string> { Roles.NocOperator });

    private WorkflowHost Host => fixture.Host;

    [Fact]
    public async Task Verify_AfterTheWriterChainedWhatWasAppended_IsIntactAndRecorded()
    {
        await AppendAsync(60);
        await WaitUntilChainedAsync();

        var progress = new List<VerificationProgress>();
        var outcome = await Host.With<IIntegrityService, VerificationOutcome>(s => s.VerifyAsync(Auditor, new SyncProgress(progress.Add)));

        var report = outcome.Report.ShouldNotBeNull();
        report.Breaks.ShouldBeEmpty();
        // More than 25 entries (Audit:CheckpointEveryEntries here) were chained, so at least one checkpoint exists.
        report.CheckpointsChecked.ShouldBeGreaterThanOrEqualTo(1);
        progress.ShouldNotBeEmpty();
        progress[^1].Fraction.ShouldBe(1);
        var status = await Host.With<IIntegrityService, IntegrityStatus>(s => s.StatusAsync());
        var run = status.Recent[0];
        run.Intact.ShouldBeTrue();
        run.By.ShouldBe("auditor");
        run.Trigger.ShouldBe(VerificationTrigger.Manual);
        status.OpenAlert.ShouldBeNull();
    }

    [Fact]
    public async Task Verify_ByAnOperator_IsForbiddenAndRecordsNothing()
    {
        var before = (await Host.With<IIntegrityService, IntegrityStatus>(s => s.StatusAsync())).Version;

        var outcome = await Host.With<IIntegrityService, VerificationOutcome>(s => s.VerifyAsync(Operator));

        outcome.Report.ShouldBeNull();
        outcome.Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.VerifyIntegrity));
        (await Host.With<IIntegrityService, IntegrityStatus>(s => s.StatusAsync())).Version.ShouldBe(before);
    }

    [Fact]
    public async Task Tamper_ThenVerify_OpensTheAlert_WhichOnlyASecurityOfficerAcknowledges()
    {
        await AppendAsync(10);
        await WaitUntilChainedAsync();
        var seq = await ScalarAsync<long>("select max(seq_id) from audit_chain where position = 5");
        var original = await ScalarAsync<string>($"select data::text from mt_events where seq_id = {seq}");
        await AsAdministratorAsync($"update mt_events set data = jsonb_set(data, '{{Text}}', '\"forged\"') where seq_id = {seq}");
        try
        {
            var outcome = await Host.With<IIntegrityService, VerificationOutcome>(s => s.VerifyAsync(Officer));

            var first = outcome.Report.ShouldNotBeNull().FirstBreak.ShouldNotBeNull();
            first.Kind.ShouldBe(IntegrityBreakKind.DataChanged);
            first.Sequence.ShouldBe(seq);
            var status = await Host.With<IIntegrityService, IntegrityStatus>(s => s.StatusAsync());
            var alert = status.OpenAlert.ShouldNotBeNull();
            alert.FirstBreak.ShouldNotBeNull().Sequence.ShouldBe(seq);
            alert.By.ShouldBe("security");

            var byAuditor = await Host.With<IConsoleCommandBus, Outcome>(s => s.IssueAsync(new AcknowledgeIntegrityAlert(alert.RunId, "seen", status.Version), Auditor));
            byAuditor.Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.AcknowledgeIntegrityAlert));
            var byOfficer = await Host.With<IConsoleCommandBus, Outcome>(s => s.IssueAsync(new AcknowledgeIntegrityAlert(alert.RunId, "investigating", status.Version), Officer));
            byOfficer.Succeeded.ShouldBeTrue();
            (await Host.With<IIntegrityService, IntegrityStatus>(s => s.StatusAsync())).OpenAlert.ShouldBeNull();
            var again = await Host.With<IConsoleCommandBus, Outcome>(s => s.IssueAsync(new AcknowledgeIntegrityAlert(alert.RunId, "twice", status.Version), Officer));
            again.Refusal.ShouldBeRefusal(
                RefusalKind.Conflict, "There is no open integrity alert any more (acknowledged, or a later verification passed); reload.");
        }
        finally
        {
            await AsAdministratorAsync($"update mt_events set data = '{original.Replace("'", "''", StringComparison.Ordinal)}'::jsonb where seq_id = {seq}");
        }

        // Restoring the exact content makes the log verify again: the chain pins content, not a copy of it.
        (await Host.With<IIntegrityService, VerificationOutcome>(s => s.VerifyAsync(Officer))).Report.ShouldNotBeNull().Intact.ShouldBeTrue();
    }

    [Fact]
    public async Task ExportProof_OfTheLatestCheckpoint_PassesTheOfflineScript_AndFailsOnceAnEventIsAltered()
    {
        await AppendAsync(30);
        await WaitUntilChainedAsync();
        var folder = Path.Combine(Path.GetTempPath(), $"audit-proof-{Guid.NewGuid():N}");
        try
        {
            var outcome = await Host.With<IIntegrityService, ProofOutcome>(s => s.ExportProofAsync(null, folder, Auditor));

            var proof = outcome.Proof.ShouldNotBeNull();
            proof.Entries.ShouldBe(proof.Checkpoint.Position);
            var (ok, okOutput) = await RunOfflineCheckAsync(folder);
            ok.ShouldBe(0, okOutput);
            okOutput.ShouldContain($"OK: checkpoint #{proof.Checkpoint.Number}");

            var lines = await File.ReadAllLinesAsync(Path.Combine(folder, "entries.jsonl"), TestContext.Current.CancellationToken);
            lines[3] = lines[3].Replace("tester", "mallory", StringComparison.Ordinal);
            await File.WriteAllLinesAsync(Path.Combine(folder, "entries.jsonl"), lines, TestContext.Current.CancellationToken);
            var (broken, brokenOutput) = await RunOfflineCheckAsync(folder);
            broken.ShouldBe(1, brokenOutput);
            brokenOutput.ShouldContain("BROKEN at position 4");
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task ExportProof_ByAnOperatorOrOfAnUnknownCheckpoint_IsRefused()
    {
        var byOperator = await Host.With<IIntegrityService, ProofOutcome>(s => s.ExportProofAsync(null, Path.GetTempPath(), Operator));
        var unknown = await Host.With<IIntegrityService, ProofOutcome>(s => s.ExportProofAsync(100_000, Path.GetTempPath(), Auditor));

        byOperator.Refusal.ShouldNotBeNull().Kind.ShouldBe(RefusalKind.Forbidden);
        unknown.Refusal.ShouldNotBeNull().Message.ShouldContain("no checkpoint #100000");
    }

    [Fact]
    public async Task CheckpointNow_SignsAtTheHeadOnce_AndNotForAnOperator()
    {
        await AppendAsync(3);
        await WaitUntilChainedAsync();

        var byOperator = await Host.With<IIntegrityService, CheckpointOutcome>(s => s.CheckpointNowAsync(Operator));
        var first = await Host.With<IIntegrityService, CheckpointOutcome>(s => s.CheckpointNowAsync(Officer));
        var second = await Host.With<IIntegrityService, CheckpointOutcome>(s => s.CheckpointNowAsync(Officer));

        byOperator.Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.CheckpointIntegrity));
        var number = first.Number.ShouldNotBeNull();
        second.Number.ShouldBeNull();
        (await ScalarAsync<long>($"select position from audit_checkpoint where number = {number}"))
            .ShouldBe(await ScalarAsync<long>("select max(position) from audit_chain"));
    }

    [Fact]
    public async Task Overview_ShowsTheHeadTheLastCheckpointAndThePublicKey()
    {
        await AppendAsync(5);
        await WaitUntilChainedAsync();
        // The tests share one host in no set order: sign at the head so a checkpoint exists whichever ran before.
        await Host.With<IIntegrityService, CheckpointOutcome>(s => s.CheckpointNowAsync(Officer));

        var overview = await Host.With<IIntegrityService, IntegrityOverview>(s => s.OverviewAsync());

        overview.ChainHeadPosition.ShouldBe(await ScalarAsync<long>("select count(*) from mt_events"));
        overview.PendingEvents.ShouldBe(0);
        overview.LastCheckpoint.ShouldNotBeNull().KeyId.ShouldBe(overview.KeyId);
        overview.PublicKeyPem.ShouldNotBeNull().ShouldStartWith("-----BEGIN PUBLIC KEY-----");
        overview.KeyProblem.ShouldBeNull();
    }

    internal async Task AppendAsync(int count)
    {
        await using var session = Host.Store.LightweightSession();
        var stream = Guid.NewGuid();
        for (var i = 0; i < count; i++)
            session.Events.Append(stream, new SampleRecorded(stream, i, $"event {i}", "tester", DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
    }

    internal Task WaitUntilChainedAsync() =>
        Eventually.Until(
            () => ScalarAsync<long>("select count(*) from mt_events where seq_id > (select coalesce(max(seq_id), 0) from audit_chain)"),
            unchained => unchained == 0, "the chain writer to chain every event");

    internal async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    internal Task AsAdministratorAsync(string sql) => fixture.Database.AsAdministratorAsync(sql);

    private static async Task<(int ExitCode, string Output)> RunOfflineCheckAsync(string folder)
    {
        var script = Path.Combine(TestRepository.Root, "infra", "audit", "verify-proof.py");
        var start = new ProcessStartInfo("python3", [script, folder])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, output + errors);
    }

    /// <summary>Progress that records on the reporting thread (Progress&lt;T&gt; posts later, which a test cannot await).</summary>
    private sealed class SyncProgress(Action<VerificationProgress> report) : IProgress<VerificationProgress>
    {
        public void Report(VerificationProgress value) => report(value);
    }
}

/// <summary>The chain writer notices when the chain in the database shrinks under it (on a host of its own: it stops writing).</summary>
public sealed class ChainWriterTamperTests(ChainingHostFixture fixture) : IClassFixture<ChainingHostFixture>
{
    private readonly IntegrityServiceTests _log = new(fixture);

    [Fact]
    public async Task Tamper_ChainEntriesDeletedUnderTheRunningWriter_RaisesTheAlert()
    {
        await _log.AppendAsync(5);
        await _log.WaitUntilChainedAsync();

        await _log.AsAdministratorAsync("delete from audit_chain where position > (select max(position) - 3 from audit_chain)");
        await _log.AppendAsync(1);

        var alert = (await Eventually.Until(() => fixture.Host.With<IIntegrityService, IntegrityStatus>(s => s.StatusAsync()),
            s => s.OpenAlert is not null, "the chain writer's alert")).OpenAlert!;
        alert.Trigger.ShouldBe(VerificationTrigger.ChainWriter);
        alert.FirstBreak.ShouldNotBeNull().Kind.ShouldBe(IntegrityBreakKind.Truncated);
    }
}
