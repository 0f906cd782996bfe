using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace Console.E2ETests.Infrastructure;

/// <summary>
/// One console process (the build's Console.Web.dll, as scripts/run starts it) on a loopback port, with its output kept
/// for failure messages. <see cref="ConsoleApp"/> runs one; <see cref="TwoNodeConsole"/> runs two behind haproxy.
/// </summary>
public sealed class ConsoleProcess : IAsyncDisposable
{
    private readonly StringBuilder _output = new();
    private readonly Process _process;

    private ConsoleProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

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

    /// <summary>Starts the console on <paramref name="port"/> with these settings (environment variables) and waits until it is healthy.</summary>
    public static async Task<ConsoleProcess> StartAsync(int port, IEnumerable<KeyValuePair<string, string>> settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var configuration = Environment.GetEnvironmentVariable("CONSOLE_TEST_CONFIGURATION") ?? "Release";
        var projectDir = Path.Combine(TestRepository.Root, "src", "Console.Web");
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
        var baseUrl = $"http://127.0.0.1:{port}";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Embedded";
        start.Environment["ASPNETCORE_URLS"] = baseUrl;
        foreach (var (name, value) in settings)
            start.Environment[name] = value;

        var console = new ConsoleProcess(Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start"), baseUrl);
        console._process.OutputDataReceived += (_, e) => console.Append(e.Data);
        console._process.ErrorDataReceived += (_, e) => console.Append(e.Data);
        console._process.BeginOutputReadLine();
        console._process.BeginErrorReadLine();

        using var http = new HttpClient();
        try
        {
            await Eventually.Until(() => console.HealthyAsync(http), healthy => healthy, "the console to become healthy", TimeSpan.FromSeconds(90));
        }
        catch (TimeoutException)
        {
            await console.DisposeAsync();
            throw new TimeoutException($"The console did not become healthy within 90 s:\n{console.Output}");
        }

        return console;
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<bool> HealthyAsync(HttpClient http)
    {
        if (_process.HasExited)
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

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
