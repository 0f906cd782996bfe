namespace Console.E2ETests.Infrastructure;

/// <summary>
/// The real console, started as its own process exactly as scripts/run starts it (built Console.Web.dll, its own
/// fresh database on the test PostgreSQL, demo data seeded, built-in identity provider), on a free loopback port.
/// On the simulator; a derived fixture adds its own settings (<see cref="LabConsoleApp"/> runs it on the QEMU lab).
/// </summary>
public class ConsoleApp : IAsyncLifetime
{
    // The console's own key files (KEK master key, manifest and checkpoint signing keys) for this run only, so a test
    // run never creates or reads the keys of the user's console (scripts/run).
    private readonly string _keyFolder = Path.Combine(Path.GetTempPath(), "vnf-console-e2e-keys-" + Guid.NewGuid().ToString("N"));
    private ConsoleProcess? _process;
    private string? _database;

    public string BaseUrl { get; private set; } = "";

    /// <summary>The console's own, unprivileged role on its database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>The cluster's superuser on the console's database: what a database administrator could do.</summary>
    public string AdminConnectionString { get; private set; } = "";

    public string Output => _process?.Output ?? "";

    public async ValueTask InitializeAsync()
    {
        var database = await ConsoleDatabase.CreateAsync("e2e_");
        _database = database.Name;
        ConnectionString = database.ConnectionString;
        AdminConnectionString = database.AdminConnectionString;
        var port = ConsoleProcess.FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        var settings = ConsoleDatabase.DemoSettings(database, BaseUrl, _keyFolder, "Solo");
        _process = await ConsoleProcess.StartAsync(port, settings.Concat(MoreSettings()));
    }

    /// <summary>Settings beyond the demo console's, as environment variables (Section__Key); none here.</summary>
    protected virtual IEnumerable<KeyValuePair<string, string>> MoreSettings() => [];

    public virtual async ValueTask DisposeAsync()
    {
        if (_process is not null)
            await _process.DisposeAsync();
        if (_database is not null)
            await ConsoleDatabase.DropAsync(_database);
        if (Directory.Exists(_keyFolder))
            Directory.Delete(_keyFolder, recursive: true);
        GC.SuppressFinalize(this);
    }
}
