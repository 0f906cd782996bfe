using Console.UnitTests.Workflows.Audit.Integrity;
using Console.Web.Hosting;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Hosting;

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

    [Theory]
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
