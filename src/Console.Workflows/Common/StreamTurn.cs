using Marten;
using Marten.Services;
using Marten.Storage;
using Npgsql;

namespace Console.Workflows.Common;

/// <summary>
/// Work that must not race to start one stream (executions or nodes arriving at the same moment): each takes its turn
/// on a transaction-scoped PostgreSQL advisory lock named after the stream and runs in that transaction, so it sees
/// what the turn before it committed. Racing to the insert instead makes the losers fail on the stream's primary key.
/// </summary>
public static class StreamTurn
{
    /// <param name="work">Runs holding the turn, with a session on its transaction (saving commits it).</param>
    public static async Task<T> TakeAsync<T>(
        IDocumentStore store, Guid streamId, Func<IDocumentSession, NpgsqlTransaction, Task<T>> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        await connection.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var take = new NpgsqlCommand("select pg_advisory_xact_lock(@key)", connection, transaction))
        {
            take.Parameters.AddWithValue("key", BitConverter.ToInt64(streamId.ToByteArray(), 0));
            await take.ExecuteNonQueryAsync(ct);
        }

        await using var session = store.LightweightSession(SessionOptions.ForTransaction(transaction, shouldAutoCommit: true));
        return await work(session, transaction);
    }

    /// <summary>
    /// Runs <paramref name="work"/> in its turn only if <paramref name="streamId"/> does not exist yet; the work starts
    /// that stream and saves. Null when the stream exists (started before, here or by another node).
    /// </summary>
    public static Task<T?> FirstAsync<T>(
        IDocumentStore store, Guid streamId, Func<IDocumentSession, NpgsqlTransaction, Task<T>> work, CancellationToken ct) where T : struct
    {
        ArgumentNullException.ThrowIfNull(work);
        return TakeAsync(store, streamId, async (session, transaction) =>
            await session.Events.FetchStreamStateAsync(streamId, ct) is not null ? (T?)null : await work(session, transaction), ct);
    }
}
