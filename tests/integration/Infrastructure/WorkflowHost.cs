using Console.Nfv.Qemu.Lab;
using Console.Notifications;
using Console.Workflows;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Requests;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wolverine.Runtime;
using Xunit;

namespace Console.IntegrationTests.Infrastructure;

/// <summary>
/// A real generic host with Marten (and its daemon) and Wolverine in solo mode on a test database, registered exactly
/// as the web host registers them. Several hosts may run one after the other on the same database, as a restarted node.
/// </summary>
public sealed class WorkflowHost : IAsyncDisposable
{
    /// <summary>Fast test settings: solo node, scheduled messages polled often, quick simulated operations.</summary>
    public static IReadOnlyDictionary<string, string?> TestSettings { get; } = new Dictionary<string, string?>
    {
        ["Workflow:DurabilityMode"] = "Solo",
        ["Workflow:ScheduledJobPollingTime"] = "00:00:00.300",
        ["Workflow:AttestationMaxAge"] = "00:05:00",
        ["Nfv:Simulator:DelayMilliseconds"] = "40",
        // Heartbeats off: tests that judge heartbeats send them themselves (or switch them on).
        ["Nfv:Simulator:HeartbeatInterval"] = "00:00:00",
        // Environments the tests create are enrolled by two test people when first attested (proposed, then approved);
        // the enrolment tests use environments someone proposed, which this leaves to people.
        ["Attestation:Enrolment:DemoProposer"] = "test:enrolment-proposer",
        ["Attestation:Enrolment:DemoApprover"] = "test:enrolment-approver",
        ["Attestation:Enrolment:DemoAtFirstUse"] = "true",
        // The KEK master and manifest-signing keys of test hosts, apart from a real console's.
        ["Keys:Folder"] = Path.Combine(Path.GetTempPath(), "vnf-console-test-keys"),
    };

    private readonly IHost _host;
    private readonly IConfigurationRoot _configuration;
    private bool _stopped;

    private WorkflowHost(IHost host, IConfigurationRoot configuration)
    {
        _host = host;
        _configuration = configuration;
    }

    public IServiceProvider Services => _host.Services;

    public IDocumentStore Store => _host.Services.GetRequiredService<IDocumentStore>();

    /// <summary>The person as signed in just now by this host's clock (step-up judges people without an account so).</summary>
    public Actor SignedIn(Actor actor) => actor.SignedInAt(_host.Services.GetRequiredService<TimeProvider>().GetUtcNow());

    /// <param name="services">Registers services before the workflow's own (e.g. a FakeTimeProvider as the TimeProvider).</param>
    public static async Task<WorkflowHost> StartAsync(
        PostgresDatabase database, IReadOnlyDictionary<string, string?>? overrides = null, TimeSpan? shutdownTimeout = null,
        Action<IServiceCollection>? services = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        var settings = new Dictionary<string, string?>(TestSettings);
        // The log's witness file belongs to its database: hosts restarted on it share it, other tests' databases never do.
        settings["Audit:WitnessFolder"] = Path.Combine(Path.GetTempPath(), "vnf-console-test-witness", database.DatabaseName);
        // scripts/test chooses the key provider for every test host (Keys__Provider, Keys__Pkcs11__* from
        // infra/hsm/softhsm.sh); a test's own overrides still win.
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>()
                     .Where(n => n == "Keys__Provider" || n.StartsWith("Keys__Pkcs11__", StringComparison.Ordinal)))
            settings[name.Replace("__", ":", StringComparison.Ordinal)] = Environment.GetEnvironmentVariable(name);
        foreach (var (key, value) in overrides ?? new Dictionary<string, string?>())
            settings[key] = value;
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = shutdownTimeout ?? TimeSpan.FromSeconds(10));

        services?.Invoke(builder.Services);
        builder.Services.AddConsoleWorkflowHost(builder.Configuration, database.ConfigureMarten);
        builder.Services.AddNfvInfrastructure(builder.Configuration);
        builder.Services.AddNotificationChannels(builder.Configuration);

        var host = builder.Build();
        await host.StartAsync();
        await host.Services.EnsureApprovalPolicyAsync();
        return new WorkflowHost(host, builder.Configuration);
    }

    /// <summary>Runs <paramref name="act"/> with a service from a fresh scope, as one page or API call would.</summary>
    public async Task<TResult> With<TService, TResult>(Func<TService, Task<TResult>> act) where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(act);
        await using var scope = _host.Services.CreateAsyncScope();
        return await act(scope.ServiceProvider.GetRequiredService<TService>());
    }

    /// <summary>Changes a setting while the host runs (the simulator reads its options on every call).</summary>
    public void Set(string key, string? value)
    {
        _configuration[key] = value;
        _configuration.Reload();
    }

    /// <summary>
    /// Stops the node the way a crash would: no draining of handlers in flight, no release of the messages it owns.
    /// </summary>
    public async Task CrashAsync()
    {
        if (_host.Services.GetRequiredService<IWolverineRuntime>() is WolverineRuntime runtime)
            runtime.StopMode = StopMode.Quick;
        await StopAsync();
    }

    public async Task StopAsync()
    {
        if (_stopped)
            return;
        _stopped = true;
        await _host.StopAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _host.Dispose();
    }
}

/// <summary>A fresh database with a running workflow host on it, for one test class.</summary>
public class WorkflowFixture : IAsyncLifetime
{
    public PostgresDatabase Database { get; } = new();

    public WorkflowHost Host { get; private set; } = null!;

    protected virtual IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>();

    /// <summary>Services registered before the workflow's own (e.g. a FakeTimeProvider as the TimeProvider).</summary>
    protected virtual void ConfigureServices(IServiceCollection services)
    {
    }

    public virtual async ValueTask InitializeAsync()
    {
        await Database.InitializeAsync();
        Host = await WorkflowHost.StartAsync(Database, Settings, services: ConfigureServices);
    }

    public virtual async ValueTask DisposeAsync()
    {
        if (Host is not null)
            await Host.DisposeAsync();
        await Database.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
