using Marten;

namespace Console.Workflows.Common;

/// <summary>
/// Writers that meet on one stream: the first append to a stream that does not exist yet cannot take the stream's row
/// lock (there is no row), so two of them both insert version 1 and one fails. Such a writer runs again on the fresh
/// state, where the stream now exists and the lock (or the version check) orders it behind the winner.
/// </summary>
public static class StreamRace
{
    public const int Rounds = 5;

    /// <summary>Whether another writer got to the stream first (its version moved on, or it was created meanwhile).</summary>
    public static bool LostTo(Exception ex) => Concurrency.LostRace(ex);

    /// <summary>Runs <paramref name="write"/> in a fresh session, again if it lost a race, at most <see cref="Rounds"/> times.</summary>
    public static async Task<T> WriteAsync<T>(IDocumentStore store, Func<IDocumentSession, Task<T>> write, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(write);
        for (var round = 1; ; round++)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                await using var session = store.LightweightSession();
                return await write(session);
            }
            catch (Exception ex) when (LostTo(ex) && round < Rounds)
            {
                // The winner committed; the next round reads what it wrote.
            }
        }
    }
}
