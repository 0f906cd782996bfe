using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Console.Workflows.Audit.History;

namespace Console.Web.Api.History;

/// <summary>
/// The history's export formats, written row by row to the response as the rows are read from the database, so an
/// export of many thousand events holds only one row in memory at a time.
/// </summary>
public static class HistoryExport
{
    public const string Csv = "csv";
    public const string Json = "json";

    /// <summary>Set on the response when the filtered set holds more than the export's limit.</summary>
    public const string TruncatedHeader = "X-History-Truncated";

    public const string CsvHeader =
        "Seq,Time (UTC),Category,Event type,Actor id,Actor,Request id,VNF id,VNF,Trust domain ids,Environment ids,Summary,Details,Stream id,Stream version";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    public static bool IsKnown(string? format) => format is Csv or Json;

    public static string ContentType(string format) => format == Json ? "application/json; charset=utf-8" : "text/csv; charset=utf-8";

    public static string FileName(string format, DateTimeOffset now) =>
        $"history-{now.UtcDateTime.ToString("yyyyMMdd-HHmm", CultureInfo.InvariantCulture)}.{format}";

    /// <summary>Answers with the export of <paramref name="filter"/>: headers first, then the rows as they stream in.</summary>
    public static async Task WriteAsync(
        HttpContext http, IHistoryReader reader, HistoryFilter filter, HistorySortField sortBy, bool descending, string format, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(reader);
        var ct = http.RequestAborted;
        var count = await reader.CountAsync(filter, HistoryLimits.ExportMaxRows + 1, ct);
        var response = http.Response;
        response.ContentType = ContentType(format);
        response.Headers.ContentDisposition = $"attachment; filename=\"{FileName(format, now)}\"";
        response.Headers.CacheControl = "no-store";
        if (count > HistoryLimits.ExportMaxRows)
            response.Headers[TruncatedHeader] = $"only the first {HistoryLimits.ExportMaxRows} of more matching events";

        var rows = reader.ExportAsync(filter, sortBy, descending, HistoryLimits.ExportMaxRows, ct);
        if (format == Json)
            await JsonSerializer.SerializeAsync(response.Body, rows, JsonOptions, ct);
        else
            await WriteCsvAsync(response.Body, rows, ct);
    }

    public static async Task WriteCsvAsync(Stream body, IAsyncEnumerable<HistoryEntry> rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        await using var csv = new StreamWriter(body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 64 * 1024, leaveOpen: true);
        await csv.WriteAsync(CsvHeader + "\r\n");
        var written = 0;
        await foreach (var row in rows.WithCancellation(ct))
        {
            await csv.WriteAsync(CsvLine(row));
            // Hand full buffers to the client as they fill; the browser shows the download progressing.
            if (++written % 1000 == 0)
                await csv.FlushAsync(ct);
        }

        await csv.FlushAsync(ct);
    }

    /// <summary>One event as a CSV line (RFC 4180), ending in CRLF.</summary>
    public static string CsvLine(HistoryEntry e)
    {
        ArgumentNullException.ThrowIfNull(e);
        string[] fields =
        [
            e.Seq.ToString(CultureInfo.InvariantCulture),
            e.At.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
            e.Category.ToString(), e.EventType, e.ActorId ?? "", e.ActorName ?? "",
            e.RequestId?.ToString() ?? "", e.VnfId?.ToString() ?? "", e.VnfName ?? "",
            string.Join(' ', e.TrustDomainIds), string.Join(' ', e.EnvironmentIds),
            e.Summary, e.Details ?? "", e.StreamId.ToString(), e.StreamVersion.ToString(CultureInfo.InvariantCulture),
        ];
        return string.Join(',', fields.Select(Escape)) + "\r\n";
    }

    // Quote when needed; formula-like starts (= + - @ TAB CR LF) are defused: see CsvCells.
    private static string Escape(string value) => Console.Web.Security.CsvCells.Escape(value);
}
