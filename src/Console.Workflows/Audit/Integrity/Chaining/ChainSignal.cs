namespace Console.Workflows.Audit.Integrity.Chaining;

/// <summary>A wake-up call for the chain writer: commits poke it, it waits for a poke or its poll interval.</summary>
public sealed class ChainSignal : IDisposable
{
    private readonly SemaphoreSlim _poked = new(0, 1);

    public void Poke()
    {
        try
        {
            if (_poked.CurrentCount == 0)
                _poked.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already poked: one wake-up is as good as many.
        }
    }

    public void Dispose() => _poked.Dispose();

    public async Task WaitAsync(TimeSpan timeout, CancellationToken ct)
    {
        try
        {
            await _poked.WaitAsync(timeout, ct);
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
