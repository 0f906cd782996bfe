namespace Console.UnitTests.Infrastructure;

internal static class Eventually
{
    /// <summary>Reads until the condition holds or the deadline passes; never a fixed sleep.</summary>
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var last = await read();
        while (!condition(last))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited in vain for {what}; last seen: {last}");
            await Task.Delay(100);
            last = await read();
        }

        return last;
    }
}
