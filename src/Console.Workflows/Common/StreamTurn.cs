using Marten;
using Marten.Services;
using Marten.Storage;
using Npgsql;

namespace Console.Workflows.Common;

/// <summary>
/// Work on one stream that must not run twice at once (executions or nodes arriving at the same moment to start a
/// stream, two deleters of one snapshot): each takes its turn on a transaction-scoped PostgreSQL advisory lock named
/// after the stream and runs in that transaction, so it sees what the turn before it committed. Racing to the insert
/// instead makes the losers fail on the stream's primary key. A node that dies loses its turn with its connection.
/// </summary>
public static class StreamTurn
{
    /// <param name="work">Runs holding the turn, with a session on its transaction (saving commits it).</param>
    public static async Task<T> TakeAsync<T>(
        IDocumentStore store, Guid streamId, Func<IDocumentSession, NpgsqlTransaction, Task<T>> work, CancellationToken ct) =>
        (await RunInTurnAsync(store, streamId, wait: true, work, ct)).Result!;

    /// <summary>
    /// As <see cref="TakeAsync{T}"/>, but does not wait: Taken is false, and the work does not run, while another holds
    /// the stream's turn.
    /// </summary>
    public static Task<(bool Taken, T? Result)> TryTakeAsync<T>(
        IDocumentStore store, Guid streamId, Func<IDocumentSession, NpgsqlTransaction, Task<T>> work, CancellationToken ct) =>
        RunInTurnAsync(store, streamId, wait: false, work, ct);

    private static async Task<(bool Taken, T? Result)> RunInTurnAsync<T>(
        IDocumentStore store, Guid streamId, bool wait, Func<IDocumentSession, NpgsqlTransaction, Task<T>> work, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(work);
        await using var connection = store.Storage.Database.CreateConnection(ConnectionUsage.ReadWrite);
        await connection.OpenAsync(ct);
        // Disposed without a commit (work that does not save): the rollback ends the turn.
        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var take = new NpgsqlCommand(
                         wait ? "select pg_advisory_xact_lock(@key)" : "select pg_try_advisory_xact_lock(@key)", connection, transaction))
        {
            take.Parameters.AddWithValue("key", BitConverter.ToInt64(streamId.ToByteArray(), 0));
            if (await take.ExecuteScalarAsync(ct) is false)
                return (false, default);
        }

        await using var session = store.LightweightSession(SessionOptions.ForTransaction(transaction, shouldAutoCommit: true));
        return (true, await work(session, transaction));
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
