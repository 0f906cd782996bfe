using System.Diagnostics;
using System.Net.Sockets;
using System.Text;
using Npgsql;

namespace Console.E2ETests.Infrastructure;

/// <summary>
/// The real console, started as its own process exactly as scripts/run starts it (built Console.Web.dll, its own
/// fresh database on the test PostgreSQL, demo data seeded, built-in identity provider), on a free loopback port.
/// On the simulator; a derived fixture adds its own settings (<see cref="LabConsoleApp"/> runs it on the QEMU lab).
/// </summary>
public class ConsoleApp : IAsyncLifetime
{
    private readonly StringBuilder _output = new();

    // The console's own key files (KEK master key, manifest and checkpoint signing keys) for this run only, so a test
    // run never creates or reads the keys of the user's console (scripts/run).
    private readonly string _keyFolder = Path.Combine(Path.GetTempPath(), "vnf-console-e2e-keys-" + Guid.NewGuid().ToString("N"));
    private Process? _process;
    private string? _database;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The console's own, unprivileged role on its database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The cluster's superuser on the console's database: what a database administrator could do.</summary>
    public string AdminConnectionString { get; private set; } = "";

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public async ValueTask InitializeAsync()
    {
        var admin = TestEnvironment.Require("CONSOLE_TEST_PG");
        _database = "e2e_" + Guid.NewGuid().ToString("N")[..12];
        // As scripts/run: a database of the owner role, migrated by it at start-up; the console runs as the runtime role.
        var owner = new NpgsqlConnectionStringBuilder(TestEnvironment.Require("CONSOLE_TEST_PG_OWNER")) { Database = _database };
        await using (var conn = new NpgsqlConnection(admin))
        {
            await conn.OpenAsync();
            await using var create = new NpgsqlCommand($"create database {_database} owner \"{owner.Username}\"", conn);
            await create.ExecuteNonQueryAsync();
        }

        ConnectionString = new NpgsqlConnectionStringBuilder(TestEnvironment.Require("CONSOLE_TEST_PG_RUNTIME")) { Database = _database }.ConnectionString;
        AdminConnectionString = new NpgsqlConnectionStringBuilder(admin) { Database = _database }.ConnectionString;
        var port = FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";

        var root = TestRepository.Root;
        var configuration = Environment.GetEnvironmentVariable("CONSOLE_TEST_CONFIGURATION") ?? "Release";
        var projectDir = Path.Combine(root, "src", "Console.Web");
        var dll = Path.Combine(projectDir, "bin", configuration, "net10.0", "Console.Web.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: build the solution in {configuration} first (scripts/test does).");
        }

        var start = new ProcessStartInfo("dotnet", [dll])
        {
            WorkingDirectory = projectDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Embedded";
        start.Environment["ASPNETCORE_URLS"] = BaseUrl;
        start.Environment["ConnectionStrings__Console"] = ConnectionString;
        start.Environment["ConnectionStrings__ConsoleOwner"] = owner.ConnectionString;
        start.Environment["Console__PublicOrigin"] = BaseUrl;
        start.Environment["Console__SeedDemoData"] = "true";
        start.Environment["Console__DemoUsersFile"] = Path.Combine(root, "infra", "demo", "users.tsv");
        // The demo inventory's environments are enrolled at start-up by two demo people, as scripts/run does.
        start.Environment["Attestation__Enrolment__DemoProposer"] = "admin";
        start.Environment["Attestation__Enrolment__DemoApprover"] = "security";
        start.Environment["Serilog__MinimumLevel__Default"] = "Warning";
        start.Environment["Workflow__DurabilityMode"] = "Solo";
        // Every browser here signs in from 127.0.0.1; the per-client sign-in limit is tested in-process instead.
        start.Environment["Console__SignIn__PerClientPerMinute"] = "1000";
        start.Environment["Keys__Folder"] = _keyFolder;
        // A configured checkpoint key must exist (only the default location is generated): make one, as an operator would.
        Directory.CreateDirectory(_keyFolder);
        var checkpointKey = Path.Combine(_keyFolder, "audit-checkpoint-key.pem");
        using (var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256))
            await File.WriteAllTextAsync(checkpointKey, key.ExportECPrivateKeyPem());
        start.Environment["Audit__SigningKeyFile"] = checkpointKey;
        foreach (var (name, value) in MoreSettings())
            start.Environment[name] = value;

        _process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var http = new HttpClient();
        try
        {
            await Eventually.Until(() => HealthyAsync(http), healthy => healthy, "the console to become healthy", TimeSpan.FromSeconds(90));
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"The console did not become healthy within 90 s:\n{Output}");
        }
    }

    /// <summary>Settings beyond the demo console's, as environment variables (Section__Key); none here.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> MoreSettings() => [];

    private async Task<bool> HealthyAsync(HttpClient http)
    {
        if (_process is { HasExited: true })
        {
            throw new InvalidOperationException($"The console exited with code {_process.ExitCode} while starting:\n{Output}");
        }

        try
        {
            using var health = await http.GetAsync(BaseUrl + "/health");
            return health.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false; // Not listening yet.
        }
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process?.Dispose();
        if (_database is not null)
        {
            await using var conn = new NpgsqlConnection(TestEnvironment.Require("CONSOLE_TEST_PG"));
            await conn.OpenAsync();
            await using var drop = new NpgsqlCommand($"drop database if exists {_database} with (force)", conn);
            await drop.ExecuteNonQueryAsync();
        }

        if (Directory.Exists(_keyFolder))
            Directory.Delete(_keyFolder, recursive: true);
        GC.SuppressFinalize(this);
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
