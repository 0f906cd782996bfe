using System.Diagnostics;
using System.Text;

namespace Console.E2ETests.Infrastructure;

/// <summary>
/// A two-node installation as <c>scripts/run --nodes 2</c> makes it: two console processes in Wolverine's Balanced mode
/// on one fresh database and one key folder, behind haproxy (Debian's package; scripts/test installs it) with the same
/// sticky-session cookie <c>VNFNODE</c> and <c>/health</c> checks. haproxy names the node that answered in the
/// <see cref="ServedByHeader"/> header. A class fixture: it lives only while its class runs (the shared
/// <see cref="ConsoleApp"/> runs in Solo mode and cannot be a node of it).
/// </summary>
public sealed class TwoNodeConsole : IAsyncLifetime
{
    // As infra/haproxy/local.sh names them.
    public const string ServedByHeader = "X-Console-Node";
    public const string NodeCookie = "VNFNODE";

    private static readonly int[] NodeNumbers = [1, 2];
    private static readonly string[] HaproxyPaths = ["/usr/sbin/haproxy", "/usr/bin/haproxy"];

    private readonly string _keyFolder = Path.Combine(Path.GetTempPath(), "vnf-console-e2e-2n-keys-" + Guid.NewGuid().ToString("N"));
    private readonly string _haproxyConfig = Path.Combine(Path.GetTempPath(), "vnf-console-e2e-haproxy-" + Guid.NewGuid().ToString("N") + ".cfg");
    private readonly List<ConsoleProcess> _nodes = [];
    private readonly StringBuilder _haproxyOutput = new();
    private Process? _haproxy;
    private string? _database;

    /// <summary>The console's own, unprivileged role on the installation's database.</summary>
    public string ConnectionString { get; private set; } = "";

    /// <summary>haproxy's address: what people open.</summary>
    public string BaseUrl { get; private set; } = "";

    /// <summary>The name haproxy gives node <paramref name="number"/> (1 or 2), as in its cookie and <see cref="ServedByHeader"/>.</summary>
    public static string NodeName(int number) => $"node{number}";

    public async ValueTask InitializeAsync()
    {
        var haproxy = HaproxyPaths.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("haproxy not found: scripts/test installs Debian's haproxy (apt-get install haproxy).");
        var database = await ConsoleDatabase.CreateAsync("e2e2n_");
        _database = database.Name;
        ConnectionString = database.ConnectionString;
        var port = ConsoleProcess.FreePort();
        BaseUrl = $"http://127.0.0.1:{port}";
        var settings = ConsoleDatabase.DemoSettings(database, BaseUrl, _keyFolder, "Balanced")
            .Append(new("Console__ForwardedHeaders__KnownProxies", "127.0.0.1")).ToList();

        // One after the other, as scripts/run --nodes does: the first migrates, seeds and writes the shared key files.
        foreach (var _ in NodeNumbers)
            _nodes.Add(await ConsoleProcess.StartAsync(ConsoleProcess.FreePort(), settings));

        await File.WriteAllTextAsync(_haproxyConfig, await ConfigurationAsync(port));
        _haproxy = Process.Start(new ProcessStartInfo(haproxy, ["-db", "-f", _haproxyConfig])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("haproxy did not start");
        _haproxy.OutputDataReceived += (_, e) => Keep(e.Data);
        _haproxy.ErrorDataReceived += (_, e) => Keep(e.Data);
        _haproxy.BeginOutputReadLine();
        _haproxy.BeginErrorReadLine();

        // Ready when haproxy sends a browser to each node it is asked for.
        using var http = new HttpClient();
        foreach (var number in NodeNumbers)
        {
            await Eventually.Until(() => ServedByAsync(http, number), served => served == NodeName(number),
                $"haproxy to forward to {NodeName(number)}", TimeSpan.FromSeconds(30));
        }
    }

    private async Task<string?> ServedByAsync(HttpClient http, int number)
    {
        if (_haproxy is { HasExited: true })
            throw new InvalidOperationException($"haproxy exited with code {_haproxy.ExitCode}:\n{_haproxyOutput}");
        using var request = new HttpRequestMessage(HttpMethod.Get, BaseUrl + "/health");
        request.Headers.Add("Cookie", $"{NodeCookie}={NodeName(number)}");
        try
        {
            using var response = await http.SendAsync(request);
            return response.IsSuccessStatusCode && response.Headers.TryGetValues(ServedByHeader, out var names) ? names.FirstOrDefault() : null;
        }
        catch (HttpRequestException)
        {
            return null; // Not listening yet.
        }
    }

    /// <summary>The configuration scripts/run --nodes writes: the same script, infra/haproxy/local.sh, prints it.</summary>
    private async Task<string> ConfigurationAsync(int port)
    {
        var script = new ProcessStartInfo("bash", [Path.Combine(TestRepository.Root, "infra", "haproxy", "local.sh"), port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. _nodes.Select(n => new Uri(n.BaseUrl).Authority)])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(script) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"infra/haproxy/local.sh failed: {errors}");
    }

    private void Keep(string? line)
    {
        if (line is null)
            return;
        lock (_haproxyOutput)
            _haproxyOutput.AppendLine(line);
    }

    public async ValueTask DisposeAsync()
    {
        if (_haproxy is { HasExited: false })
        {
            _haproxy.Kill();
            await _haproxy.WaitForExitAsync();
        }

        _haproxy?.Dispose();
        foreach (var node in _nodes)
            await node.DisposeAsync();
        if (_database is not null)
            await ConsoleDatabase.DropAsync(_database);
        if (Directory.Exists(_keyFolder))
            Directory.Delete(_keyFolder, recursive: true);
        File.Delete(_haproxyConfig);
    }
}
