using Microsoft.Extensions.Configuration;

namespace Console.Notifications;

/// <summary>The SMTP server mail goes through (<c>Notifications:Smtp</c>); without a host, mail is recorded, not sent.</summary>
public sealed class SmtpOptions
{
    public string? Host { get; set; }

    public int Port { get; set; } = 25;

    /// <summary>None, Auto (STARTTLS when offered), StartTls (required) or SslOnConnect.</summary>
    public string Security { get; set; } = "Auto";

    public string? UserName { get; set; }

    public string? Password { get; set; }

    public string From { get; set; } = "VNF Mobility Console <console@localhost>";

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// Webhook delivery (<c>Notifications:Webhook</c>). Each call carries <c>X-Console-Signature: sha256=HEX</c>, the
/// HMAC-SHA256 of the exact body under <see cref="SigningSecret"/>; without a secret, webhooks are recorded, not sent.
/// </summary>
public sealed class WebhookOptions
{
    public string? SigningSecret { get; set; }

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(15);
}

public sealed class NotificationChannelOptions
{
    public SmtpOptions Smtp { get; set; } = new();

    public WebhookOptions Webhook { get; set; } = new();

    public static NotificationChannelOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(Workflows.Notifications.NotificationOptions.Section).Get<NotificationChannelOptions>()
               ?? new NotificationChannelOptions();
    }
}
