using System.Globalization;
using System.Text;
using Console.Workflows.Requests;

namespace Console.Web.Components.Pages.Requests;

/// <summary>The request list as CSV (RFC 4180): one header line, one line per request, times in UTC ISO 8601.</summary>
public static class RequestsCsv
{
    public const string Header =
        "Id,Kind,Status,VNF,Highest sensitivity,Target environment,Requester,Submitted (UTC),Last changed (UTC),Approvals counted,Approvals required";

    public static string Write(IEnumerable<RequestListItem> items)
    {
        var csv = new StringBuilder().Append(Header).Append("\r\n");
        foreach (var i in items)
        {
            string[] fields =
            [
                i.Id.ToString(), i.Kind.ToString(), i.Status.ToString(), i.VnfName, i.HighestSensitivity.ToString(),
                i.TargetEnvironmentName ?? "", i.RequesterName, Time(i.SubmittedAt), Time(i.LastChangedAt),
                i.ApprovalsCounted.ToString(CultureInfo.InvariantCulture), i.ApprovalsRequired.ToString(CultureInfo.InvariantCulture),
            ];
            csv.AppendJoin(',', fields.Select(Escape)).Append("\r\n");
        }

        return csv.ToString();
    }

    private static string Time(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    // Quote when needed; formula-like starts (= + - @ TAB CR LF) are defused: see CsvCells.
    private static string Escape(string value) => Console.Web.Security.CsvCells.Escape(value);
}
