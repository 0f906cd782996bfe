using Console.Workflows.Dashboards.Reading;
using Console.Workflows.Requests;
using Npgsql;
using NpgsqlTypes;

namespace Console.Workflows.Dashboards.Figures;

/// <summary>Requests waiting for approval, by how long they have waited.</summary>
public sealed class PendingApprovalsReader(DashboardDatabase db, TimeProvider time)
{
    public Task<PendingApprovalFigures> ReadAsync(CancellationToken ct = default) => db.ReadAsync(batch => Add(batch, time.GetUtcNow()), ct);

    internal Func<PendingApprovalFigures> Add(DashboardBatch batch, DateTimeOffset now)
    {
        var starts = DashboardRules.PendingBucketStarts.Skip(1).Select(start => now - start).ToArray();
        var counts = new long[DashboardRules.PendingBuckets.Count];
        DateTimeOffset? oldest = null;
        // The status filter is the expression of Marten's index on Status; the few pending requests are then bucketed.
        batch.Add(
            $"""
            select count(*) filter (where submitted > $2), count(*) filter (where submitted <= $2 and submitted > $3),
                   count(*) filter (where submitted <= $3 and submitted > $4), count(*) filter (where submitted <= $4),
                   min(submitted)
            from (select (data ->> 'SubmittedAt')::timestamptz as submitted
                  from {db.Requests} where data ->> 'Status' = $1) pending
            """,
            [new NpgsqlParameter { Value = nameof(RequestStatus.PendingApproval), NpgsqlDbType = NpgsqlDbType.Text }, .. starts.Select(DashboardBatch.Timestamp)],
            reader =>
            {
                for (var i = 0; i < counts.Length; i++)
                    counts[i] = reader.GetInt64(i);
                oldest = DashboardBatch.NullableTime(reader, 4);
            },
            planEachCall: true);
        return () => new PendingApprovalFigures(now, counts, oldest);
    }
}
