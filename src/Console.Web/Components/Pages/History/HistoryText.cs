using System.Globalization;
using Console.Workflows.Audit.History;
using MudBlazor;

namespace Console.Web.Components.Pages.History;

/// <summary>How history values read and which colour they wear, so the list, the timelines and the detail agree.</summary>
public static class HistoryText
{
    public static string At(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static Color CategoryColor(HistoryCategory category) => category switch
    {
        HistoryCategory.Request => Color.Primary,
        HistoryCategory.Approval => Color.Success,
        HistoryCategory.Execution => Color.Info,
        HistoryCategory.Snapshot => Color.Secondary,
        HistoryCategory.Policy => Color.Tertiary,
        HistoryCategory.Access => Color.Warning,
        HistoryCategory.Integrity => Color.Error,
        _ => Color.Default,
    };

    /// <summary>Refusals stand out from the access events around them.</summary>
    public static Color EntryColor(HistoryEntry entry) =>
        entry.EventType == "AccessRefused" ? Color.Error : CategoryColor(entry.Category);

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string EventHref(long seq) => $"/history/events/{seq}";

    public static string RequestHref(Guid id) => $"/history/requests/{id}";

    public static string VnfHref(Guid id) => $"/history/vnfs/{id}";
}
