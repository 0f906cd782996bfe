using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Console.Workflows.Notifications.Delivering;
using Console.Workflows.Notifications.Planning;

namespace Console.Notifications;

/// <summary>
/// Posts a notice as JSON that both a Microsoft Teams and a Slack incoming webhook accept (Slack reads <c>text</c>;
/// Teams reads the MessageCard fields and <c>text</c>), signed with HMAC-SHA256 over the exact body bytes. A 5xx,
/// 408, 429 or a network failure throws, so the durable outbox retries; any other 4xx is a refusal retrying cannot cure.
/// </summary>
public sealed class SignedWebhookChannel(NotificationChannelOptions options, HttpClient http) : INoticeChannel
{
    public const string SignatureHeader = "X-Console-Signature";
    public const string NoticeHeader = "X-Console-Notice";

    public NoticeChannel Channel => NoticeChannel.Webhook;

    public async Task<ChannelResult> SendAsync(Notice notice, string address, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var secret = options.Webhook.SigningSecret;
        if (string.IsNullOrEmpty(secret))
            return ChannelResult.NotConfigured("No webhook signing secret is configured (Notifications:Webhook:SigningSecret); the notice is recorded here only.");

        var body = Body(notice);
        using var request = new HttpRequestMessage(HttpMethod.Post, address) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.Add(SignatureHeader, Sign(secret, body));
        request.Headers.Add(NoticeHeader, notice.Id.ToString("D"));
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Webhook.Timeout);
        using var response = await http.SendAsync(request, timeout.Token);
        var status = (int)response.StatusCode;
        if (response.IsSuccessStatusCode)
            return ChannelResult.Delivered($"Posted to {Host(address)} (HTTP {status}).");
        if (status >= 500 || response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests)
            throw new HttpRequestException($"The webhook at {Host(address)} answered HTTP {status}.", null, response.StatusCode);
        return ChannelResult.Refused($"The webhook at {Host(address)} refused the notice (HTTP {status}); check the address on your profile.");
    }

    /// <summary><c>sha256=</c> and the lower-case hex HMAC-SHA256 of <paramref name="body"/> under the UTF-8 secret.</summary>
    public static string Sign(string secret, byte[] body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body));

    internal static byte[] Body(Notice notice)
    {
        var text = $"{notice.Subject}\n\n{notice.Text}\n\nWhy you: {notice.Why}" + (notice.Link is { } link ? $"\n{link}" : "");
        var card = new WebhookBody(
            "MessageCard", "https://schema.org/extensions", notice.Subject, notice.Subject, text,
            notice.Topic is NoticeTopic.SecurityAlert or NoticeTopic.RequestFailed or NoticeTopic.ApprovalEscalation ? "C62828" : "1565C0",
            notice.Link is { } uri ? [new WebhookAction("OpenUri", "Open in the console", [new WebhookTarget("default", uri)])] : [],
            new WebhookNotice(notice.Id, notice.Topic.ToString(), notice.RecipientId, notice.Subject, notice.Text, notice.Why, notice.Link, notice.At));
        return JsonSerializer.SerializeToUtf8Bytes(card, Json);
    }

    private static string Host(string address) => Uri.TryCreate(address, UriKind.Absolute, out var uri) ? uri.Host : "the webhook";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull };

    private sealed record WebhookBody(
        [property: JsonPropertyName("@type")] string Type,
        [property: JsonPropertyName("@context")] string Context,
        string Summary, string Title, string Text, string ThemeColor, IReadOnlyList<WebhookAction> PotentialAction, WebhookNotice Notice);

    private sealed record WebhookAction([property: JsonPropertyName("@type")] string Type, string Name, IReadOnlyList<WebhookTarget> Targets);

    private sealed record WebhookTarget(string Os, string Uri);

    /// <summary>The notice itself, for receivers other than chat tools (dedupe on id).</summary>
    private sealed record WebhookNotice(Guid Id, string Topic, string Recipient, string Subject, string Text, string Why, string? Link, DateTimeOffset At);
}
