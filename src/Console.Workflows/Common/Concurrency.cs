using JasperFx;
using JasperFx.Events;
using Npgsql;

namespace Console.Workflows.Common;

/// <summary>
/// What a failed commit means, read the same way by every capability: another writer got to the stream first, or a
/// unique index turned down a value claimed between our look-up and the commit.
/// </summary>
public static class Concurrency
{
    /// <summary>Another writer moved the stream on (optimistic version check) or created it meanwhile.</summary>
    public static bool LostRace(Exception ex) =>
        ex is ConcurrencyException or EventStreamUnexpectedMaxEventIdException or ExistingStreamIdCollisionException
            or Marten.Exceptions.ExistingStreamIdCollisionException
        || (ex.InnerException is { } inner && LostRace(inner))
        || (ex is AggregateException aggregate && aggregate.InnerExceptions.Any(LostRace));

    /// <summary>
    /// The database is gone for a moment: connection refused or cut, the server shutting down or not yet accepting
    /// connections (what a PostgreSQL restart looks like from here). Npgsql marks these transient.
    /// </summary>
    public static bool DatabaseUnavailable(Exception ex) =>
        ex is NpgsqlException { IsTransient: true } or System.Net.Sockets.SocketException
        || (ex.InnerException is { } inner && DatabaseUnavailable(inner))
        || (ex is AggregateException aggregate && aggregate.InnerExceptions.Any(DatabaseUnavailable));

    /// <summary>A unique index refused the row (e.g. a name another writer took at the same moment).</summary>
    public static bool IsUniqueViolation(Exception ex) =>
        ex is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }
        || (ex.InnerException is { } inner && IsUniqueViolation(inner));
}
