namespace Console.Workflows.Dashboards;

/// <summary>
/// <see cref="DashboardRules.RetentionBucketOf"/> and <see cref="DashboardRules.NextRetentionChange"/> as SQL over a
/// <c>dash_snapshot</c> row, for the clock step that stores the buckets and the reader that judges the few rows the step
/// has not reached yet. <c>at</c> and <c>sweep</c> are SQL expressions (parameters) of a moment and an interval.
/// </summary>
internal static class RetentionSql
{
    /// <summary>The row's <see cref="RetentionBucket"/> at <paramref name="at"/>, as a smallint.</summary>
    public static string Bucket(bool keepLastGood, string at, string sweep) =>
        $"""
        (case when status <> 0 or due_since is null or due_since > {at} then 0
              when held and (hold_until is null or hold_until > {at}) then {(int)RetentionBucket.LegalHold}
              when pinned and (pin_until is null or pin_until > {at}) then {(int)RetentionBucket.Pinned}
              {(keepLastGood ? $"when is_last_good then {(int)RetentionBucket.LastGood}" : "")}
              when {(keepLastGood ? "deletable_keep" : "deletable_from")} < {at} - {sweep} then {(int)RetentionBucket.Overdue}
              else 0 end)::smallint
        """;

    /// <summary>When the row's bucket (under either setting of the last-good rule) may change after <paramref name="at"/>.</summary>
    public static string NextChange(string at, string sweep) =>
        $"""
        (case when status <> 0 then 'infinity'::timestamptz
              else coalesce(least(
                case when due_since > {at} then due_since end,
                case when held and hold_until > {at} then hold_until end,
                case when pinned and pin_until > {at} then pin_until end,
                case when deletable_from + {sweep} + interval '1 microsecond' > {at} then deletable_from + {sweep} + interval '1 microsecond' end,
                case when deletable_keep + {sweep} + interval '1 microsecond' > {at} then deletable_keep + {sweep} + interval '1 microsecond' end),
                'infinity'::timestamptz) end)
        """;
}
