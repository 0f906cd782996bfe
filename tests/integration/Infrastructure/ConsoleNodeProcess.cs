using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Infrastructure;

/// <summary>
/// A console node as a process of its own (the build's Console.Web.dll) on a test database, for tests in which a node
/// dies by SIGKILL: no shutdown hook of it runs. Its log is kept for the failure message.
/// </summary>
public sealed class ConsoleNodeProcess : IAsyncDisposable
{
    private const int LogLines = 2000;
    private readonly Process _process;
    private readonly Queue<string> _log = new();

    private ConsoleNodeProcess(Process process, string baseAddress)
    {
        _process = process;
        BaseAddress = baseAddress;
    }

    public string BaseAddress { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines the node wrote.</summary>
    public string Log
    {
        get
        {
            lock (_log)
                return string.Join('\n', _log);
        }
    }

    /// <summary>Starts the node with these settings (configuration keys, as for an in-process node) and waits for <c>/health</c>.</summary>
    public static async Task<ConsoleNodeProcess> StartAsync(IEnumerable<(string Key, string Value)> settings, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var port = FreePort();
        var configuration = AppContext.BaseDirectory.Contains($"{Path.DirectorySeparatorChar}Release{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
            ? "Release" : "Debug";
        var dll = Path.Combine(TestRepository.Root, "src", "Console.Web", "bin", configuration, "net10.0", "Console.Web.dll");
        File.Exists(dll).ShouldBeTrue($"the console's build is missing at {dll}");
        var start = new ProcessStartInfo("dotnet", [dll]) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var (key, value) in settings)
            start.Environment[key.Replace(":", "__", StringComparison.Ordinal)] = value;
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Embedded";
        start.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        var node = new ConsoleNodeProcess(Process.Start(start)!, $"http://127.0.0.1:{port}");
        // Read all along, so a full pipe never blocks the node.
        node._process.OutputDataReceived += (_, e) => node.Keep(e.Data);
        node._process.ErrorDataReceived += (_, e) => node.Keep(e.Data);
        node._process.BeginOutputReadLine();
        node._process.BeginErrorReadLine();

        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        await Eventually.Until(async () =>
        {
            node.HasExited.ShouldBeFalse($"the node exited while starting:\n{node.Log}");
            try
            {
                using var health = await probe.GetAsync($"{node.BaseAddress}/health", ct);
                return health.IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
            {
                // Not listening yet, or too busy starting to answer within the probe's timeout.
                return false;
            }
        }, up => up, "the node to answer /health", TimeSpan.FromMinutes(3));
        return node;
    }

    /// <summary>SIGKILL, as a power loss or the OOM killer would end it; returns once the process is gone.</summary>
    public async Task KillAsync(CancellationToken ct)
    {
        _process.Kill();
        await _process.WaitForExitAsync(ct);
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_log)
        {
            _log.Enqueue(line);
            while (_log.Count > LogLines)
                _log.Dequeue();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
            _process.Kill();
        _process.Dispose();
        return ValueTask.CompletedTask;
    }
}
