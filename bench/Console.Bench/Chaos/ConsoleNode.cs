using System.Diagnostics;

namespace Console.Bench.Chaos;

/// <summary>
/// One console process of the campaign's cluster: started with <c>dotnet Console.Web.dll</c> and the settings of a
/// node of <c>scripts/run --nodes</c>, killed with SIGKILL, started again. Its output goes to a log file of its own.
/// </summary>
public sealed class ConsoleNode(int number, int port, IReadOnlyDictionary<string, string> settings, string webDll, string logFolder)
{
    private static readonly HttpClient Health = new() { Timeout = TimeSpan.FromSeconds(5) };

    private Process? _process;
    private int _starts;

    public int Number => number;

    public string BaseAddress => $"http://127.0.0.1:{port}";

    /// <summary>The simulator's journal name of the current process (<c>Nfv:Simulator:NodeName</c>): node number and start.</summary>
    public string JournalName { get; private set; } = "";

    public bool Alive => _process is { HasExited: false };

    public void Start()
    {
        _starts++;
        JournalName = $"node-{number}.{_starts}";
        var info = new ProcessStartInfo("dotnet", [webDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in settings)
            info.Environment[key] = value;
        info.Environment["ASPNETCORE_URLS"] = BaseAddress;
        info.Environment["Nfv__Simulator__NodeName"] = JournalName;
        var log = new StreamWriter(Path.Combine(logFolder, $"node-{number}.log"), append: true) { AutoFlush = true };
        log.WriteLine($"==== start {_starts} of node {number} at {DateTimeOffset.UtcNow:O} ====");
        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.Exited += (_, _) => Write(log, $"==== node {number} exited ====");
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
    }

    /// <summary>SIGKILL: no shutdown hook runs, nothing is released but what the kernel and PostgreSQL clean up.</summary>
    public async Task KillAsync()
    {
        if (_process is not { } process)
            return;
        process.Kill(entireProcessTree: true);
        await process.WaitForExitAsync();
    }

    public async Task<bool> WaitHealthyAsync(TimeSpan patience, CancellationToken ct)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < patience)
        {
            if (!Alive)
                return false;
            try
            {
                using var answer = await Health.GetAsync(BaseAddress + "/health", ct);
                if (answer.IsSuccessStatusCode)
                    return true;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
            {
                // Not listening yet.
            }

            await Task.Delay(500, ct);
        }

        return false;
    }

    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
            return;
        lock (log)
            log.WriteLine(line);
    }
}
