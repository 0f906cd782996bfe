using Console.Workflows.Audit.Integrity.Verifying.Documents;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Marten;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Console.Workflows.Alerts.Upgrading;

/// <summary>
/// Databases from before alerts were events hold <see cref="SecurityAlert"/> rows no event stands behind, which
/// verification would report as inserted. Once, at the first start after the upgrade, each such row is given its
/// <see cref="SecurityAlertRaised"/> (by <see cref="By"/>, with the row's own fields and time) and the upgrade is
/// recorded on its own stream (<see cref="SecurityAlertsRecordedAtUpgrade"/>); from then on a row without its event is
/// never taken for an old one, however often the console restarts.
/// </summary>
public sealed class AlertUpgrade(IDocumentStore store, TimeProvider time, ILogger<AlertUpgrade> logger)
{
    public const string By = "system:alert-upgrade";

    /// <summary>The stream that records that the upgrade was made.</summary>
    public static readonly Guid StreamId = NameBasedGuid.From("vnf-console:alerts:upgrade-to-events");

    /// <summary>The events that record <paramref name="unrecorded"/> (rows without a raise), and the upgrade itself.</summary>
    public static (IReadOnlyList<SecurityAlertRaised> Raised, SecurityAlertsRecordedAtUpgrade Upgrade) Record(
        IReadOnlyList<SecurityAlert> unrecorded, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(unrecorded);
        var raised = unrecorded
            .OrderBy(a => a.At).ThenBy(a => a.Id)
            .Select(a => new SecurityAlertRaised(a.Id, a.Kind, a.VnfId, a.SubjectId, a.SubjectKind, a.Reason, a.Detail, By, a.At))
            .ToList();
        return (raised, new SecurityAlertsRecordedAtUpgrade(raised.Count, By, now));
    }

    /// <returns>How many alerts were recorded; null when the upgrade had been made already (here or by another node).</returns>
    public async Task<int?> RunAsync(CancellationToken ct)
    {
        // Nodes starting together take turns: the first makes the upgrade, the others find it made.
        var recorded = await StreamTurn.FirstAsync(store, StreamId, async (session, transaction) =>
        {
            var ids = await UnrecordedIdsAsync(transaction, ct);
            IReadOnlyList<SecurityAlert> rows = ids.Count == 0 ? [] : await session.LoadManyAsync<SecurityAlert>(ct, ids);
            var (raised, upgrade) = Record(rows, time.GetUtcNow());
            // Appended, not started: a handled alert's stream exists already (its handling), as does a drift's.
            foreach (var e in raised)
                session.Events.Append(e.AlertId, e);
            session.Events.StartStream(StreamId, upgrade);
            await session.SaveChangesAsync(ct);
            return raised.Count;
        }, ct);
        if (recorded is { } count)
            logger.LogInformation("Security alerts are events from now on: {Count} alert(s) stored before were recorded as raised by {By}", count, By);
        return recorded;
    }

    private async Task<IReadOnlyList<Guid>> UnrecordedIdsAsync(NpgsqlTransaction transaction, CancellationToken ct)
    {
        var table = store.Options.Schema.For<SecurityAlert>();
        var events = $"{store.Options.Events.DatabaseSchemaName}.mt_events";
        await using var command = new NpgsqlCommand(
            $"select d.id from {table} d where not exists " +
            $"(select 1 from {events} e where e.stream_id = d.id and e.mt_dotnet_type = @raised) order by d.id",
            transaction.Connection, transaction);
        command.Parameters.AddWithValue("raised", DocumentCheck<SecurityAlert>.DotNetTypeName(typeof(SecurityAlertRaised)));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(ct))
            ids.Add(reader.GetGuid(0));
        return ids;
    }
}
