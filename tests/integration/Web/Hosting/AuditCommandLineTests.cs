using Console.IntegrationTests.Workflows.Audit.Integrity;
using Console.Web.Hosting;
using Console.Workflows.Policy;
using Console.Workflows.Policy.Seeding;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Web.Hosting;

/// <summary><c>audit ...</c> on the command line, run in process against copies of a chained log on real PostgreSQL.</summary>
public sealed class AuditCommandLineTests(ChainedLogTemplate template) : IClassFixture<ChainedLogTemplate>
{
    [Fact]
    public async Task Verify_CleanLog_PrintsIntactExitsZeroAndRecordsTheRun()
    {
        await using var log = await template.CopyAsync();

        var (code, output, _) = await RunAsync(log, "audit", "verify", "--connection", log.ConnectionString);

        code.ShouldBe(AuditCommandLine.Intact, output);
        output.ShouldStartWith("Audit log verification: INTACT");
        output.ShouldContain($"position {template.Events:N0}");
        (await log.ScalarAsync<long>("select count(*) from mt_events where type = 'integrity_verified' and data ->> 'By' like 'cli:%'")).ShouldBe(1);
    }

    [Fact]
    public async Task Verify_TamperedLog_ExitsOneAndNamesTheFirstBreak()
    {
        await using var log = await template.CopyAsync();
        var seq = await log.ScalarAsync<long>("select seq_id from audit_chain where position = 33");
        await log.AsAdministratorAsync($"delete from mt_events where seq_id = {seq}");

        var (code, output, _) = await RunAsync(log, "audit", "verify", "--connection", log.ConnectionString, "--no-record");

        code.ShouldBe(AuditCommandLine.Broken, output);
        output.ShouldContain("BROKEN (1 break)");
        output.ShouldContain($"First break: Missing at seq {seq}, chain position 33");
        (await log.ScalarAsync<long>("select count(*) from mt_events where type like 'integrity_%'")).ShouldBe(0);
    }

    [Fact]
    public async Task DocumentTamper_PolicyEditedInTheTable_VerifyOnTheCommandLineIsBrokenAndNamesTheDocumentAndField()
    {
        await using var log = await template.CopyAsync();
        await PolicySeedHandler.EnsureSeededAsync(log.Store, TimeProvider.System, TestContext.Current.CancellationToken);
        await log.ChainAllAsync();
        await log.AsAdministratorAsync(
            $"update {((Marten.IDocumentStore)log.Store).Options.Schema.For<ApprovalPolicy>()} set data = jsonb_set(data, '{{Document,PendingRequestTimeout}}', '\"30.00:00:00\"')");

        var (code, output, _) = await RunAsync(log, "audit", "verify", "--connection", log.ConnectionString, "--no-record");

        code.ShouldBe(AuditCommandLine.Broken, output);
        output.ShouldContain("BROKEN (1 break)");
        output.ShouldContain($"First break: DocumentChanged at document ApprovalPolicy {ApprovalPolicy.StreamId}, fields Document.PendingRequestTimeout");
        output.ShouldContain("documents checked");
    }

    [Fact]
    public async Task ExportProof_WritesTheDocumentedFiles()
    {
        await using var log = await template.CopyAsync();
        var folder = Path.Combine(Path.GetTempPath(), $"audit-cli-proof-{Guid.NewGuid():N}");
        try
        {
            var (code, output, _) = await RunAsync(log, "audit", "export-proof", "--checkpoint", "2", "--out", folder, "--connection", log.ConnectionString);

            code.ShouldBe(AuditCommandLine.Intact, output);
            output.ShouldContain("Wrote the proof of checkpoint #2");
            Directory.GetFiles(folder).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(
                ["README.txt", "checkpoint.sig", "checkpoint.txt", "entries.jsonl", "public-key.pem"]);
            var position = await log.ScalarAsync<long>("select position from audit_checkpoint where number = 2");
            File.ReadLines(Path.Combine(folder, "entries.jsonl")).Count().ShouldBe((int)position);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Inclusion_ProvedOnTheCommandLine_PassesTheOfflineChecker_AndAnAlteredEventIsRefused()
    {
        await using var log = await template.CopyAsync();
        var file = Path.Combine(Path.GetTempPath(), $"audit-inclusion-{Guid.NewGuid():N}.json");
        var key = await PublicKeyFileAsync(log);
        try
        {
            var seq = await log.ScalarAsync<long>("select seq_id from audit_chain where position = 123");
            var (code, output, _) = await RunAsync(log, "audit", "prove-inclusion", "--seq", $"{seq}", "--out", file, "--connection", log.ConnectionString);

            code.ShouldBe(AuditCommandLine.Intact, output);
            output.ShouldContain($"Event seq {seq} is entry 123 of {template.Events}");
            var (ok, okOutput) = await OfflineAsync("--inclusion", file, "--public-key", key);
            ok.ShouldBe(0, okOutput);
            okOutput.ShouldContain($"OK: event seq {seq}");

            await File.WriteAllTextAsync(file, (await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken)).Replace("Entry 1", "Entry 9", StringComparison.Ordinal), TestContext.Current.CancellationToken);
            var (broken, brokenOutput) = await OfflineAsync("--inclusion", file, "--public-key", key);
            broken.ShouldBe(1, brokenOutput);
            brokenOutput.ShouldContain("the event was altered");
        }
        finally
        {
            File.Delete(file);
            File.Delete(key);
        }
    }

    [Fact]
    public async Task Consistency_ProvedOnTheCommandLine_PassesTheOfflineChecker_AndAnAlteredPathIsRefused()
    {
        await using var log = await template.CopyAsync();
        var file = Path.Combine(Path.GetTempPath(), $"audit-consistency-{Guid.NewGuid():N}.json");
        var key = await PublicKeyFileAsync(log);
        try
        {
            var (code, output, _) = await RunAsync(log, "audit", "prove-consistency", "--from", "2", "--out", file, "--connection", log.ConnectionString);

            code.ShouldBe(AuditCommandLine.Intact, output);
            output.ShouldContain("extends tree head #2");
            var (ok, okOutput) = await OfflineAsync("--consistency", file, "--public-key", key);
            ok.ShouldBe(0, okOutput);
            okOutput.ShouldContain("extends tree head #2");

            var json = System.Text.Json.Nodes.JsonNode.Parse(await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken))!;
            var path = json["path"]!.AsArray();
            path[0] = new string('0', 64);
            await File.WriteAllTextAsync(file, json.ToJsonString(), TestContext.Current.CancellationToken);
            var (broken, brokenOutput) = await OfflineAsync("--consistency", file, "--public-key", key);
            broken.ShouldBe(1, brokenOutput);
            brokenOutput.ShouldContain("does not extend tree head #2");
        }
        finally
        {
            File.Delete(file);
            File.Delete(key);
        }
    }

    [Fact]
    public async Task Witness_OnTheCommandLine_CosignsTheNewestHead_ThenRefusesTheLogRolledBack()
    {
        await using var log = await template.CopyAsync();
        var key = await PublicKeyFileAsync(log);
        var store = Path.Combine(Path.GetTempPath(), $"audit-cli-witness-{Guid.NewGuid():N}");
        try
        {
            var (code, output, _) = await RunAsync(log, "audit", "witness", "--store", store, "--log-key", key, "--once", "--connection", log.ConnectionString);
            var last = await log.ScalarAsync<long>("select max(number) from audit_checkpoint");
            var first = await log.ScalarAsync<long>("select position from audit_checkpoint where number = 1");
            code.ShouldBe(AuditCommandLine.Intact, output);
            output.ShouldContain($"co-signed tree head #{last} ({template.Events} entries");

            // Triggers off, as the database's owner may: back to checkpoint #1, consistently.
            await log.AsAdministratorAsync(
                "delete from audit_checkpoint where number > 1; " +
                $"delete from mt_events where seq_id > (select seq_id from audit_chain where position = {first}); " +
                $"delete from audit_chain where position > {first}; delete from audit_tree where ((idx + 1) << level) > {first}");

            var (again, refused, errors) = await RunAsync(log, "audit", "witness", "--store", store, "--log-key", key, "--once", "--connection", log.ConnectionString);
            again.ShouldBe(AuditCommandLine.Broken, refused);
            errors.ShouldContain($"REFUSED: Refused tree head #1: it has {first} entries, fewer than the {template.Events} of tree head #{last}");
            errors.ShouldContain($"first missing position {first + 1}");
        }
        finally
        {
            File.Delete(key);
            if (Directory.Exists(store))
                Directory.Delete(store, recursive: true);
        }
    }

    private static async Task<string> PublicKeyFileAsync(AuditLog log)
    {
        var file = Path.Combine(Path.GetTempPath(), $"audit-public-{Guid.NewGuid():N}.pem");
        await File.WriteAllTextAsync(file, log.Keys.Get().PublicKeyPem + "\n", TestContext.Current.CancellationToken);
        return file;
    }

    private static async Task<(int ExitCode, string Output)> OfflineAsync(params string[] args)
    {
        var script = Path.Combine(TestRepository.Root, "infra", "audit", "verify-proof.py");
        var start = new System.Diagnostics.ProcessStartInfo("python3", [script, .. args]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = await process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var errors = await process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, output + errors);
    }

    [Theory]
    [InlineData("audit", "prove-inclusion")]
    [InlineData("audit", "prove-inclusion", "--seq", "1", "--event", "7d2c9c1e-53a8-4bfb-a5a6-0d9b1c0de001")]
    [InlineData("audit", "prove-consistency", "--to", "2")]
    [InlineData("audit", "prove-consistency", "--from", "zero")]
    [InlineData("audit", "witness", "--store", "x")]
    [InlineData("audit", "witness", "--store", "x", "--log-key", "k", "--every", "soon")]
    [InlineData("audit")]
    [InlineData("audit", "frobnicate")]
    [InlineData("audit", "verify", "--colour")]
    [InlineData("audit", "export-proof")]
    [InlineData("audit", "export-proof", "--out", "x", "--checkpoint", "zero")]
    [InlineData("audit", "export-proof", "--out", "x", "--checkpoint", "0")]
    [InlineData("audit", "verify", "--connection")]
    public async Task Usage_Mistakes_ExitTwoWithTheHelp(params string[] args)
    {
        var output = new StringWriter();
        var errors = new StringWriter();

        var code = await AuditCommandLine.RunAsync(args, output, errors, null, TestContext.Current.CancellationToken);

        code.ShouldBe(AuditCommandLine.Usage);
        errors.ToString().ShouldContain("Usage: dotnet Console.Web.dll audit");
    }

    [Fact]
    public async Task Verify_DatabaseUnreachable_ExitsThree()
    {
        var output = new StringWriter();
        var errors = new StringWriter();

        var code = await AuditCommandLine.RunAsync(
            ["audit", "verify", "--connection", "Host=127.0.0.1;Port=1;Database=none;Username=x;Password=y;Timeout=2"],
            output, errors, new Dictionary<string, string?> { ["Audit:SigningKeyFile"] = template.KeyFile }, TestContext.Current.CancellationToken);

        code.ShouldBe(AuditCommandLine.CouldNotRun, errors.ToString());
        errors.ToString().ShouldContain("could not run");
    }

    private async Task<(int Code, string Output, string Errors)> RunAsync(AuditLog log, params string[] args)
    {
        _ = log;
        var output = new StringWriter();
        var errors = new StringWriter();
        var code = await AuditCommandLine.RunAsync(args, output, errors,
            new Dictionary<string, string?> { ["Audit:SigningKeyFile"] = template.KeyFile }, TestContext.Current.CancellationToken);
        return (code, output + errors.ToString(), errors.ToString());
    }
}
