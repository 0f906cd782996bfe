using System.Collections;
using Xunit;

namespace Console.Testing;

/// <summary>
/// How unit, integration and browser tests wait for what happens by itself (a durable message, a background writer, a
/// process starting): read again until the condition holds or the deadline passes. Never a fixed sleep.
/// Compiled into each test project (tests/Shared), so both share one helper without a project of their own.
/// </summary>
internal static class Eventually
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Stops waiting when the test is cancelled (its <see cref="TestContext"/>'s token).</summary>
    public static async Task<T> Until<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        var last = await read();
        while (!condition(last))
        {
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"Waited in vain for {what}; last seen: {Describe(last)}");
            await Task.Delay(Interval, TestContext.Current.CancellationToken);
            last = await read();
        }

        return last;
    }

    private static string Describe(object? value) => value switch
    {
        null => "nothing",
        string text => text,
        IEnumerable items => "[" + string.Join(", ", items.Cast<object?>()) + "]",
        _ => value.ToString() ?? "",
    };
}
