using System.Collections.Concurrent;

namespace Console.Nfv.Simulator;

/// <summary>
/// One writer at a time for one platform's key file: a semaphore for the callers of this process, and an exclusive
/// lock on a lock file beside it for other processes that share the key folder (the demo and a test host, two nodes).
/// The first making of a platform's keys must not race: two makers would each hand out a different attestation key.
/// </summary>
internal sealed class SubjectLock : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> InProcess = new(StringComparer.Ordinal);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _gate;
    private readonly FileStream _file;

    private SubjectLock(SemaphoreSlim gate, FileStream file)
    {
        _gate = gate;
        _file = file;
    }

    public static async Task<SubjectLock> TakeAsync(string lockPath, CancellationToken ct)
    {
        var gate = InProcess.GetOrAdd(lockPath, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
            var deadline = DateTime.UtcNow + Patience;
            while (true)
            {
                try
                {
                    var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
                    if (!OperatingSystem.IsWindows())
                        options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
                    return new SubjectLock(gate, new FileStream(lockPath, options));
                }
                catch (IOException) when (DateTime.UtcNow < deadline)
                {
                    // Another process holds it: it writes one small file, so the wait is short.
                    await Task.Delay(10, ct);
                }
            }
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _file.DisposeAsync();
        _gate.Release();
    }
}
