using Console.Workflows.Alerts;
using Console.Workflows.Alerts.Upgrading;
using Console.Workflows.Continuity;
using Console.Workflows.Notifications;

namespace Console.Workflows.Audit.History;

public static partial class HistoryMapper
{
    /// <summary>Reads security alerts raised and how they were handled, and who chose which notification channels; false for anything else.</summary>
    private static bool ReadAlertOrNotificationEvent(object data, Row row, HistorySubjectBook book)
    {
        switch (data)
        {
            case SecurityAlertRaised e:
                row.By(e.By, null, e.At).ConcerningVnf(book, e.VnfId);
                if (e.SubjectKind == Attestation.AttestedSubjectKind.Environment)
                    row.ConcerningAttestedSubject(book, e.SubjectId);
                row.Summary = e.By == AlertUpgrade.By
                    ? $"{AlertName(e.Kind)} alert {e.AlertId:D} of {e.At.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC recorded at the upgrade (it was stored before alerts were events): {e.Detail}"
                    : $"{AlertName(e.Kind)} alert {e.AlertId:D} raised{(e.Reason is { } reason ? $" ({reason})" : "")}: {e.Detail}";
                row.Details = e.Detail;
                break;

            case SecurityAlertsRecordedAtUpgrade e:
                row.By(e.By, null, e.At);
                row.Summary = $"Security alerts became events: {Count(e.Alerts, "alert")} stored before recorded at the upgrade; from here on an alert without its event is a break of the log.";
                break;

            case AlertAcknowledged e:
                row.By(e.By, e.ByName, e.At);
                row.Summary = $"{AlertName(e.Kind)} alert {e.AlertId:D} acknowledged" + (string.IsNullOrWhiteSpace(e.Note) ? "." : $": {e.Note}");
                row.Details = Blank(e.Note);
                break;

            case AlertAssigned e:
                row.By(e.By, e.ByName, e.At);
                row.Summary = $"{AlertName(e.Kind)} alert {e.AlertId:D} assigned to {e.Assignee}.";
                break;

            case AlertClosed e:
                row.By(e.By, e.ByName, e.At);
                row.Summary = $"{AlertName(e.Kind)} alert {e.AlertId:D} closed: {e.Reason}";
                row.Details = e.Reason;
                break;

            case NotificationChannelsChosen e:
                row.By(e.By, null, e.At);
                var channels = new List<string> { "the profile page" };
                if (e.ByEmail)
                    channels.Add("e-mail" + (string.IsNullOrWhiteSpace(e.EmailAddress) ? "" : $" to {e.EmailAddress}"));
                if (e.ByWebhook)
                    channels.Add("webhook" + (string.IsNullOrWhiteSpace(e.WebhookUrl) ? "" : $" to {e.WebhookUrl}"));
                row.Summary = $"{e.UserId} is told through {string.Join(", ", channels)}.";
                break;

            default:
                return false;
        }

        return true;
    }

    private static string AlertName(SecurityAlertKind kind) => Words(kind.ToString());
}
