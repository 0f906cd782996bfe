using System.Globalization;
using Console.Workflows;
using Console.Workflows.Audit.Integrity;
using Console.Workflows.Audit.Integrity.Chaining;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Audit.Integrity.Proofs;
using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Audit.Integrity.Witnessing;
using Console.Workflows.Common;
using JasperFx;
using Marten;
using Npgsql;

namespace Console.Web.Hosting;

/// <summary>
/// <c>dotnet Console.Web.dll audit ...</c>: the tamper-evident log from a shell, with the console's own configuration
/// (appsettings, environment variables such as <c>ConnectionStrings__Console</c> and <c>Audit__SigningKeyFile</c>, user
/// secrets in Development), so it checks the same database with the same keys. No web host starts.
/// Exit codes: 0 intact / done, 1 the log is broken, 2 usage error, 3 could not run (database, key).
/// </summary>
public static class AuditCommandLine
{
    public const int Intact = 0;
    public const int Broken = 1;
    public const int Usage = 2;
    public const int CouldNotRun = 3;

    private const string Help = """
        Usage: dotnet Console.Web.dll audit <command> [options]      (scripts/audit <command> for the embedded database)

        Commands:
          verify                         recompute the hash chain and check every checkpoint signature; the result is
                                         recorded in the audit log (as "cli:<user>") unless --no-record is given
          export-proof --out DIR         write an offline proof of a checkpoint to DIR (infra/audit/README.md)
                       [--checkpoint N]  which checkpoint (default: the latest)
          checkpoint                     sign a checkpoint at the chain head now (if it moved since the last one)
          public-key                     print the checkpoint public key (PEM) and its key id
          tree-heads                     list the signed tree heads (number, size, root hash, time)
          prove-inclusion                write an RFC 9162 inclusion proof of one event under a signed tree head
                       (--seq N | --event ID) [--tree-head N (default: the latest)] [--out FILE (default: stdout)]
          prove-consistency --from N     write an RFC 9162 consistency proof that tree head M extends tree head N
                       [--to M (default: the latest)] [--out FILE (default: stdout)]
                                         check either offline: python3 infra/audit/verify-proof.py --inclusion FILE ...
          witness --store DIR --log-key PEM   the independent witness: co-signs the log's newest tree head when a
                       [--once] [--every T]   consistency proof shows it extends the last head it co-signed (its
                                         store DIR/cosigned.jsonl and key DIR/witness-key.pem are its own); refuses
                                         and exits 1 on a rolled back or forked log. Every 00:01:00 unless --once.

        Options:
          --connection CS                Npgsql connection string (default: ConnectionStrings:Console)
          --no-record                    verify without recording the result

        Exit codes: 0 intact or done, 1 the log is broken, 2 usage error, 3 could not run (database or key problem).
        """;

    public static bool Handles(string[] args) => args is ["audit", ..];

    public static Task<int> RunAsync(string[] args) =>
        RunAsync(args, System.Console.Out, System.Console.Error, null, CancellationToken.None);

    /// <param name="settings">Configuration that overrides the app's (tests).</param>
    public static async Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter errors, IReadOnlyDictionary<string, string?>? settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        if (!TryParse(args, out var command, out var options, out var problem))
        {
            await errors.WriteLineAsync(problem);
            await errors.WriteLineAsync(Help);
            return Usage;
        }

        if (command == "help")
        {
            await output.WriteLineAsync(Help);
            return Intact;
        }

        try
        {
            using var services = BuildServices(options, settings);
            return command switch
            {
                "verify" => await VerifyAsync(services, !options.ContainsKey("--no-record"), output, ct),
                "export-proof" => await ExportAsync(services, options, output, errors, ct),
                "checkpoint" => await CheckpointAsync(services, output, ct),
                "tree-heads" => await TreeHeadsAsync(services, output, errors, ct),
                "prove-inclusion" or "prove-consistency" => await ProveAsync(command, services, options, output, errors, ct),
                "witness" => await WitnessAsync(services, options, output, errors, ct),
                _ => await PublicKeyAsync(services, output),
            };
        }
        catch (Exception ex) when (ex is InvalidOperationException or NpgsqlException or IOException or UnauthorizedAccessException)
        {
            await errors.WriteLineAsync($"audit {command}: could not run: {ex.Message}");
            return CouldNotRun;
        }
    }

    private static bool TryParse(string[] args, out string command, out Dictionary<string, string?> options, out string problem)
    {
        command = "";
        options = [];
        problem = "";
        if (args is not ["audit", var verb, .. var rest])
        {
            problem = "audit: which command?";
            return false;
        }

        command = verb is "-h" or "--help" ? "help" : verb;
        string[] known = command switch
        {
            "verify" => ["--connection", "--no-record"],
            "export-proof" => ["--connection", "--out", "--checkpoint"],
            "checkpoint" or "public-key" or "tree-heads" => ["--connection"],
            "prove-inclusion" => ["--connection", "--seq", "--event", "--tree-head", "--out"],
            "prove-consistency" => ["--connection", "--from", "--to", "--out"],
            "witness" => ["--connection", "--store", "--log-key", "--once", "--every"],
            "help" => [],
            _ => [],
        };
        if (command is not ("verify" or "export-proof" or "checkpoint" or "public-key" or "tree-heads" or "prove-inclusion" or "prove-consistency" or "witness" or "help"))
        {
            problem = $"audit: unknown command '{verb}'.";
            return false;
        }

        for (var i = 0; i < rest.Length; i++)
        {
            var name = rest[i];
            if (!known.Contains(name))
            {
                problem = $"audit {command}: unknown option '{name}'.";
                return false;
            }

            if (name is "--no-record" or "--once")
            {
                options[name] = null;
                continue;
            }

            if (i + 1 >= rest.Length || rest[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                problem = $"audit {command}: {name} needs a value.";
                return false;
            }

            options[name] = rest[++i];
        }

        if (command == "export-proof")
        {
            if (!options.ContainsKey("--out"))
            {
                problem = "audit export-proof: --out DIR is required.";
                return false;
            }

            if (options.TryGetValue("--checkpoint", out var n) && !(long.TryParse(n, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1))
            {
                problem = $"audit export-proof: --checkpoint takes a checkpoint number (1 or more), not '{n}'.";
                return false;
            }
        }

        foreach (var name in new[] { "--seq", "--tree-head", "--from", "--to" })
        {
            if (options.TryGetValue(name, out var v) && !(long.TryParse(v, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number >= 1))
            {
                problem = $"audit {command}: {name} takes a number (1 or more), not '{v}'.";
                return false;
            }
        }

        if (options.TryGetValue("--event", out var id) && !Guid.TryParse(id, out _))
        {
            problem = $"audit {command}: --event takes an event id (a GUID), not '{id}'.";
            return false;
        }

        if (command == "prove-inclusion" && options.ContainsKey("--seq") == options.ContainsKey("--event"))
        {
            problem = "audit prove-inclusion: name the event with --seq N or --event ID (one of the two).";
            return false;
        }

        if (command == "witness" && (!options.ContainsKey("--store") || !options.ContainsKey("--log-key")))
        {
            problem = "audit witness: --store DIR (the witness's own folder) and --log-key PEM (the log's public key) are required.";
            return false;
        }

        if (options.TryGetValue("--every", out var every) && !(TimeSpan.TryParse(every, CultureInfo.InvariantCulture, out var interval) && interval > TimeSpan.Zero))
        {
            problem = $"audit witness: --every takes a positive time span such as 00:01:00, not '{every}'.";
            return false;
        }

        if (command == "prove-consistency" && !options.ContainsKey("--from"))
        {
            problem = "audit prove-consistency: --from N (the older tree head) is required.";
            return false;
        }

        return true;
    }

    private static Actor CommandLineActor()
    {
        var user = Environment.UserName;
        // Whoever holds the console's database credentials and key settings acts as an auditor here.
        return new Actor($"cli:{user}", $"Command line ({user}@{Environment.MachineName})", new HashSet<string> { Roles.Auditor });
    }

    private static readonly System.Text.Json.JsonSerializerOptions ProofJson = new()
    {
        WriteIndented = true,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private static async Task<int> TreeHeadsAsync(IServiceProvider services, TextWriter output, TextWriter errors, CancellationToken ct)
    {
        var (heads, refusal) = await services.GetRequiredService<ILogProofs>().TreeHeadsAsync(CommandLineActor(), 10_000, ct);
        if (heads is null)
        {
            await errors.WriteLineAsync($"audit tree-heads: {refusal!.Message}");
            return Usage;
        }

        foreach (var head in heads)
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"#{head.Number,-6} size {head.TreeSize,10:N0}  root {head.RootHash}  {head.CreatedAt:yyyy-MM-dd HH:mm:ss}Z"));
        if (heads.Count == 0)
            await output.WriteLineAsync("No signed tree head yet.");
        return Intact;
    }

    private static async Task<int> ProveAsync(
        string command, IServiceProvider services, Dictionary<string, string?> options, TextWriter output, TextWriter errors, CancellationToken ct)
    {
        var proofs = services.GetRequiredService<ILogProofs>();
        long? Number(string name) => options.TryGetValue(name, out var v) ? long.Parse(v!, CultureInfo.InvariantCulture) : null;
        object? proof;
        Refusal? refusal;
        string summary;
        if (command == "prove-inclusion")
        {
            Guid? eventId = options.TryGetValue("--event", out var id) ? Guid.Parse(id!) : null;
            var outcome = await proofs.InclusionAsync(Number("--seq"), eventId, Number("--tree-head"), CommandLineActor(), ct);
            (proof, refusal) = (outcome.Proof, outcome.Refusal);
            summary = outcome.Proof is { } p
                ? $"Event seq {p.Event.Seq} is entry {p.LeafIndex + 1} of {p.TreeHead.TreeSize} under tree head #{p.TreeHead.Number} " +
                  $"({p.Path.Count} hashes); checked here against the signed root."
                : "";
        }
        else
        {
            var outcome = await proofs.ConsistencyAsync(Number("--from")!.Value, Number("--to"), CommandLineActor(), ct);
            (proof, refusal) = (outcome.Proof, outcome.Refusal);
            summary = outcome.Proof is { } p
                ? $"Tree head #{p.Second.Number} ({p.Second.TreeSize} entries) extends tree head #{p.First.Number} ({p.First.TreeSize} entries) " +
                  $"({p.Path.Count} hashes); checked here against both signed roots."
                : "";
        }

        if (proof is null)
        {
            await errors.WriteLineAsync($"audit {command}: {refusal!.Message}");
            return refusal.Kind == RefusalKind.Conflict && refusal.Message.Contains("Run a verification", StringComparison.Ordinal) ? Broken : Usage;
        }

        var json = System.Text.Json.JsonSerializer.Serialize(proof, proof.GetType(), ProofJson);
        if (options.TryGetValue("--out", out var file))
        {
            var path = Path.GetFullPath(file!);
            await File.WriteAllTextAsync(path, json + "\n", ct);
            await output.WriteLineAsync(summary);
            await output.WriteLineAsync($"Wrote {path}; check it offline with: python3 infra/audit/verify-proof.py --{command["prove-".Length..]} {path} --public-key KEY.pem");
        }
        else
        {
            await output.WriteLineAsync(json);
        }

        return Intact;
    }

    /// <summary>
    /// One round of the independent witness per interval: the newest tree head and a consistency proof from the last
    /// co-signed head come from the log's database; both are checked here with the log's public key only.
    /// </summary>
    private static async Task<int> WitnessAsync(
        IServiceProvider services, Dictionary<string, string?> options, TextWriter output, TextWriter errors, CancellationToken ct)
    {
        var proofs = services.GetRequiredService<ILogProofs>();
        var actor = CommandLineActor();
        var interval = options.TryGetValue("--every", out var every) ? TimeSpan.Parse(every!, CultureInfo.InvariantCulture) : TimeSpan.FromMinutes(1);
        using var witness = LogWitness.Open(Path.GetFullPath(options["--store"]!), await File.ReadAllTextAsync(options["--log-key"]!, ct));
        await output.WriteLineAsync($"Witness {witness.KeyId[..16]}… (store {witness.StorePath}); last co-signed: " +
            (witness.Last is { } known ? $"tree head #{known.Number} ({known.TreeSize} entries)" : "none yet"));
        while (true)
        {
            var (heads, refusal) = await proofs.TreeHeadsAsync(actor, 1, ct);
            if (heads is { Count: 1 } && heads[0] is var newest && (witness.Last is null || newest.TreeSize != witness.Last.TreeSize
                                                                      || newest.RootHash != Convert.ToHexStringLower(witness.Last.RootHash!)))
            {
                ConsistencyProof? proof = null;
                if (witness.Last is { } last && newest.TreeSize > last.TreeSize)
                {
                    var consistency = await proofs.ConsistencyAsync(last.Number, newest.Number, actor, ct);
                    if (consistency.Proof is null)
                    {
                        await errors.WriteLineAsync($"REFUSED tree head #{newest.Number} ({newest.TreeSize} entries): the log cannot prove it extends " +
                            $"co-signed tree head #{last.Number} ({last.TreeSize} entries): {consistency.Refusal!.Message}");
                        return Broken;
                    }

                    proof = consistency.Proof;
                }

                var outcome = witness.Submit(newest, proof);
                if (outcome.Cosignature is null)
                {
                    await errors.WriteLineAsync($"REFUSED: {outcome.Refusal}");
                    return Broken;
                }

                await output.WriteLineAsync($"{DateTimeOffset.UtcNow:O} co-signed tree head #{newest.Number} ({newest.TreeSize} entries, root {newest.RootHash[..16]}…)");
            }
            else if (heads is null)
            {
                await errors.WriteLineAsync($"audit witness: {refusal!.Message}");
                return CouldNotRun;
            }

            if (options.ContainsKey("--once"))
                return Intact;
            await Task.Delay(interval, ct);
        }
    }

    private static ServiceProvider BuildServices(Dictionary<string, string?> options, IReadOnlyDictionary<string, string?>? settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            // appsettings.json lies next to the assembly, wherever the command is started from.
            ContentRootPath = AppContext.BaseDirectory,
            ApplicationName = typeof(AuditCommandLine).Assembly.GetName().Name,
            // The web host's environment variable, so appsettings.{Environment}.json and user secrets match.
            EnvironmentName = Environment.GetEnvironmentVariable("ASPNETCORE_ENVIRONMENT")
                ?? Environment.GetEnvironmentVariable("DOTNET_ENVIRONMENT") ?? Environments.Production,
        });
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        var connection = options.GetValueOrDefault("--connection") ?? builder.Configuration.GetConnectionString("Console");
        if (string.IsNullOrWhiteSpace(connection))
        {
            throw new InvalidOperationException(
                "No database: pass --connection or set ConnectionStrings:Console (scripts/audit does it for the embedded database).");
        }

        var services = new ServiceCollection();
        services.AddLogging(); // no providers: the command prints its own report
        services.AddSingleton(TimeProvider.System);
        services.AddMarten(opts =>
        {
            opts.ConfigureConsoleStore(connection);
            // A checker never changes the schema; the console creates it at start-up.
            opts.AutoCreateSchemaObjects = AutoCreate.None;
        }).UseLightweightSessions();
        services.AddAuditIntegrity(builder.Configuration);
        return services.BuildServiceProvider();
    }

    private static async Task<int> VerifyAsync(IServiceProvider services, bool record, TextWriter output, CancellationToken ct)
    {
        var runner = services.GetRequiredService<IntegrityVerificationRunner>();
        var user = Environment.UserName;
        var actor = new Actor($"cli:{user}", $"Command line ({user}@{Environment.MachineName})", new HashSet<string>());
        var report = (await runner.TryRunAsync(actor, VerificationTrigger.CommandLine, null, record, ct))!;
        var keys = services.GetRequiredService<CheckpointKeyring>().Get();

        await output.WriteLineAsync(report.Intact ? "Audit log verification: INTACT" : $"Audit log verification: BROKEN ({report.BreaksFound} break{(report.BreaksFound == 1 ? "" : "s")})");
        await output.WriteLineAsync(Line("chain entries checked", $"{report.EntriesChecked:N0} (head: position {report.ChainHeadPosition:N0}, seq {report.ChainHeadSequence:N0})"));
        await output.WriteLineAsync(Line("checkpoints checked", $"{report.CheckpointsChecked:N0}{(report.LastCheckpointNumber is { } last ? $" (last #{last})" : "")}, trusted key {keys.KeyId[..16]}…"));
        await output.WriteLineAsync(Line("documents checked", $"{report.DocumentsChecked:N0} (rebuilt from their events and compared)"));
        await output.WriteLineAsync(Line("events not chained yet", report.PendingEvents.ToString("N0", CultureInfo.InvariantCulture)));
        await output.WriteLineAsync(Line("took", $"{report.Elapsed.TotalSeconds:F1} s"));
        if (report.FirstBreak is { } first)
        {
            await output.WriteLineAsync();
            await output.WriteLineAsync($"First break: {first.Kind} at {first.Where}");
            await output.WriteLineAsync($"  {first.Detail}");
            foreach (var more in report.Breaks.Skip(1).Take(9))
                await output.WriteLineAsync($"Then: {more.Kind} at {more.Where}");
        }

        await output.WriteLineAsync(record ? "(recorded in the audit log)" : "(not recorded: --no-record)");
        return report.Intact ? Intact : Broken;
    }

    private static async Task<int> ExportAsync(
        IServiceProvider services, Dictionary<string, string?> options, TextWriter output, TextWriter errors, CancellationToken ct)
    {
        long? number = options.TryGetValue("--checkpoint", out var n) ? long.Parse(n!, CultureInfo.InvariantCulture) : null;
        var folder = Path.GetFullPath(options["--out"]!);
        ProofExport proof;
        try
        {
            proof = await services.GetRequiredService<ProofExporter>().ExportAsync(number, folder, ct);
        }
        catch (InvalidOperationException ex) when (ex.Message.Contains("checkpoint", StringComparison.OrdinalIgnoreCase))
        {
            await errors.WriteLineAsync($"audit export-proof: {ex.Message}");
            return Usage;
        }

        await output.WriteLineAsync(
            $"Wrote the proof of checkpoint #{proof.Checkpoint.Number} ({proof.Entries:N0} entries, up to seq {proof.Checkpoint.Sequence:N0}) to {folder}:");
        foreach (var file in proof.Files)
            await output.WriteLineAsync($"  {file}");
        await output.WriteLineAsync($"Check it offline with: python3 infra/audit/verify-proof.py {folder}");
        return Intact;
    }

    private static async Task<int> CheckpointAsync(IServiceProvider services, TextWriter output, CancellationToken ct)
    {
        var number = await services.GetRequiredService<EventChainer>().CheckpointNowAsync(ct);
        await output.WriteLineAsync(number is { } made
            ? $"Signed checkpoint #{made} at the chain head."
            : "No new checkpoint: the chain head has not moved since the last one (or the chain is empty).");
        return Intact;
    }

    private static async Task<int> PublicKeyAsync(IServiceProvider services, TextWriter output)
    {
        var keys = services.GetRequiredService<CheckpointKeyring>().Get();
        await output.WriteLineAsync(keys.PublicKeyPem);
        await output.WriteLineAsync($"key id: {keys.KeyId}");
        return Intact;
    }

    private static string Line(string name, string value) => $"  {name,-24}{value}";
}
