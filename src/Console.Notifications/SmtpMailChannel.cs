using Console.Workflows.Notifications.Delivering;
using Console.Workflows.Notifications.Planning;
using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Console.Notifications;

/// <summary>E-mail through the configured SMTP server (MailKit). A server that is down or refuses throws, and the outbox retries.</summary>
public sealed class SmtpMailChannel(NotificationChannelOptions options) : INoticeChannel
{
    public NoticeChannel Channel => NoticeChannel.Email;

    public async Task<ChannelResult> SendAsync(Notice notice, string address, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var smtp = options.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
            return ChannelResult.NotConfigured("No SMTP server is configured (Notifications:Smtp:Host); the notice is recorded here only.");

        using var message = Compose(notice, address, smtp.From);
        using var client = new SmtpClient { Timeout = (int)smtp.Timeout.TotalMilliseconds };
        await client.ConnectAsync(smtp.Host, smtp.Port, SecurityOf(smtp.Security), ct);
        if (!string.IsNullOrEmpty(smtp.UserName))
            await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", ct);
        var reply = await client.SendAsync(message, ct);
        await client.DisconnectAsync(true, ct);
        return ChannelResult.Delivered($"Mailed to {address} ({reply.Trim()}).");
    }

    internal static MimeMessage Compose(Notice notice, string address, string from)
    {
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse(address));
        message.Subject = notice.Subject;
        message.MessageId = $"{notice.Id:N}@vnf-console";
        message.Headers.Add("X-Console-Notice", notice.Id.ToString("D"));
        message.Headers.Add("X-Console-Topic", notice.Topic.ToString());
        var body = $"{notice.Text}\n\nWhy you: {notice.Why}\n";
        if (notice.Link is { } link)
            body += $"\nOpen it in the console: {link}\n";
        body += "\nYou choose how the console tells you on your profile page.\n";
        message.Body = new TextPart("plain") { Text = body };
        return message;
    }

    private static SecureSocketOptions SecurityOf(string setting) => setting?.Trim().ToLowerInvariant() switch
    {
        "none" => SecureSocketOptions.None,
        "starttls" => SecureSocketOptions.StartTls,
        "sslonconnect" or "ssl" or "tls" => SecureSocketOptions.SslOnConnect,
        _ => SecureSocketOptions.StartTlsWhenAvailable,
    };
}
