using System.Globalization;
using System.Text;
using Console.Web.Security;
using Console.Workflows.Dashboards;
using Console.Workflows.Dashboards.Trends;

namespace Console.Web.Components.Pages.Dashboards;

/// <summary>
/// The dashboard lists as CSV (RFC 4180, CRLF, UTF-8 without a byte-order mark, times in UTC ISO 8601), one pure line per
/// row so the export endpoints only page and write. Cells go through <see cref="CsvCells"/> (formula starts defused).
/// </summary>
public static class DashboardCsv
{
    public const string SnapshotHeader =
        "Snapshot id,VNF id,VNF,Governing sensitivity,Completed (UTC),Expires (UTC),Not needed since (UTC),Due since (UTC),Last good,Kept by,Why kept,Pinned by,Pin until (UTC),Legal hold by,Hold until (UTC)";

    public const string ComponentHeader =
        "VNF id,VNF,Component id,Component,Sensitivity,Trust domain,Environment,Environment trust level,Required trust level,Violates";

    public static string TrustDomainHeader { get; } =
        "Trust domain," + string.Join(',', DashboardRules.Sensitivities.Select(s => $"Available {s}")) + ",Available (any sensitivity),Deleted";

    public const string TrendHeader = "Day (UTC),Available snapshots,Overdue,Pending approvals,Recorded";

    public static string SnapshotLine(SnapshotRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Line(
            row.Id.ToString(), row.VnfId.ToString(), row.VnfName, row.GoverningSensitivity.ToString(), Time(row.CompletedAt),
            Time(row.ExpiresAt), Time(row.NotNeededAt), Time(row.DueSince), row.IsLastGood ? "yes" : "no",
            row.Protection?.Kind.ToString() ?? "", row.Protection?.Explanation ?? "",
            row.Pin?.By ?? "", Time(row.Pin?.Until), row.LegalHold?.By ?? "", Time(row.LegalHold?.Until));
    }

    public static string ComponentLine(ComponentRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Line(
            row.VnfId.ToString(), row.VnfName, row.ComponentId.ToString(), row.ComponentName, row.Sensitivity.ToString(),
            row.TrustDomain.Name, row.Environment.Name, row.Environment.TrustLevel.ToString(), row.RequiredTrustLevel.ToString(),
            row.Violates ? "yes" : "no");
    }

    public static string TrustDomainLine(TrustDomainCountRow row)
    {
        ArgumentNullException.ThrowIfNull(row);
        return Line([row.TrustDomain.Name, .. DashboardRules.Sensitivities.Select(s => Count(row.Count(s))), Count(row.TotalAvailable), Count(row.Deleted)]);
    }

    public static string TrendLine(TrendDay day)
    {
        ArgumentNullException.ThrowIfNull(day);
        return Line(
            day.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Count(day.Available), Count(day.Overdue),
            Count(day.PendingApprovals), day.Recorded ? "sampled" : day.Available is null ? "not recorded" : "rebuilt from snapshots");
    }

    /// <summary>A file name naming the list and the moment, e.g. <c>snapshots-overdue-20261204-1405.csv</c>.</summary>
    public static string FileName(string what, DateTimeOffset now) =>
        $"{what}-{now.UtcDateTime.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture)}.csv";

    /// <summary>Writes the header and the lines, handing full buffers to the client as they fill.</summary>
    public static async Task WriteAsync(Stream body, string header, IAsyncEnumerable<string> lines, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(lines);
        await using var csv = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024, leaveOpen: true);
        await csv.WriteAsync(header + "\r\n");
        await foreach (var line in lines.WithCancellation(ct))
            await csv.WriteAsync(line);
        await csv.FlushAsync(ct);
    }

    private static string Count(long? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static string Time(DateTimeOffset? at) =>
        at?.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) ?? "";

    private static string Line(params string[] fields) => string.Join(',', fields.Select(CsvCells.Escape)) + "\r\n";
}
