namespace Console.Testing;

/// <summary>
/// Races: starts every call, holds them at one gate, then lets them go together, so that they meet on whatever they
/// share (a stream's first append, a key file made on first use). Compiled into each test project (tests/Shared).
/// </summary>
internal static class AllAtOnce
{
    public static Task<T[]> RunAsync<T>(int count, Func<int, Task<T>> call) => RunAsync(Enumerable.Range(0, count), call);

    public static async Task<T[]> RunAsync<TItem, T>(IEnumerable<TItem> items, Func<TItem, Task<T>> call)
    {
        ArgumentNullException.ThrowIfNull(call);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = items.Select(async item =>
        {
            await gate.Task;
            return await call(item);
        }).ToList();
        gate.SetResult();
        return await Task.WhenAll(calls);
    }
}
