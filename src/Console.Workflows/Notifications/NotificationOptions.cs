using Console.Workflows.Notifications.ChoosingChannels;
using Microsoft.Extensions.Configuration;

namespace Console.Workflows.Notifications;

/// <summary>Settings of notifications (configuration section <c>Notifications</c>); the channels' own are in their adapter.</summary>
public sealed class NotificationOptions
{
    public const string Section = "Notifications";

    /// <summary>The console's address as people reach it, for links in notices.</summary>
    public string ConsoleBaseUrl { get; set; } = "http://127.0.0.1:5080";

    /// <summary>Where someone who never gave an address gets mail: <c>user name@domain</c>. Empty: only to given addresses.</summary>
    public string? DefaultMailDomain { get; set; }

    /// <summary>How long before a request expires without its quorum the escalation goes out (at most half its approval time).</summary>
    public TimeSpan EscalateBeforeExpiry { get; set; } = TimeSpan.FromHours(4);

    /// <summary>When the overdue-snapshot count is looked at for managers (cron, UTC; default every hour).</summary>
    public string OverdueCheckCron { get; set; } = "0 * * * *";

    /// <summary>Managers hear of an unchanged non-zero overdue count again after this long.</summary>
    public TimeSpan OverdueRepeatAfter { get; set; } = TimeSpan.FromHours(24);

    /// <summary>Delays between delivery attempts of one notice on one channel, from the durable schedule.</summary>
    public IReadOnlyList<TimeSpan>? RetryDelays { get; set; }

    /// <summary>Hosts webhooks may go to ("hooks.slack.com", "*.webhook.office.com"); empty: any public https host.</summary>
    public IReadOnlyList<string>? WebhookAllowedHosts { get; set; }

    /// <summary>Allow plain http webhooks (a lab or a test listener only).</summary>
    public bool WebhookAllowHttp { get; set; }

    public IReadOnlyList<TimeSpan> Retries =>
        RetryDelays is { Count: > 0 } given ? given : [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)];

    public WebhookRules WebhookRules => new(WebhookAllowedHosts ?? [], WebhookAllowHttp);

    public static NotificationOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(Section).Get<NotificationOptions>() ?? new NotificationOptions();
    }
}
