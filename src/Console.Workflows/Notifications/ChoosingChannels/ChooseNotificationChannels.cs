using System.Net;
using System.Net.Mail;
using Console.Workflows.Common;

namespace Console.Workflows.Notifications.ChoosingChannels;

/// <summary>A person chooses their own channels, having seen their profile at <paramref name="ExpectedVersion"/> (0: never chosen).</summary>
public sealed record ChooseNotificationChannels(
    int ExpectedVersion, bool ByEmail, string? EmailAddress, bool ByWebhook, string? WebhookUrl) : IConsoleCommand
{
    public const int AddressMaxLength = 254;
    public const int UrlMaxLength = 2000;

    public ICommandBy By(Actor actor) => new ChooseNotificationChannelsBy(this, actor);
}

public sealed record ChooseNotificationChannelsBy(ChooseNotificationChannels Command, Actor Actor) : ICommandBy
{
    public string Resource => $"notification-profile/{Actor.UserId}";

    public string ConflictMessage => "You changed your notification channels in another window first; reload and choose again.";
}

/// <summary>Where webhooks may point (configuration); the decider refuses any other address.</summary>
public sealed record WebhookRules(IReadOnlyList<string> AllowedHosts, bool AllowHttp);

/// <summary>
/// Only for oneself (there is no user id in the command: the profile is the acting person's). A webhook address is an
/// absolute https URL (http only where configured, for a lab) to an allowed host, and never to a loopback, link-local
/// or private address unless that host is explicitly allowed: an insider must not make the console post to its own
/// infrastructure.
/// </summary>
public static class ChooseNotificationChannelsDecider
{
    public static Refusal? Validate(ChooseNotificationChannels command, WebhookRules rules)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(rules);
        var errors = new Dictionary<string, string[]>();
        var address = command.EmailAddress?.Trim() ?? "";
        if (address.Length > ChooseNotificationChannels.AddressMaxLength)
            errors[nameof(command.EmailAddress)] = [$"At most {ChooseNotificationChannels.AddressMaxLength} characters."];
        else if (address.Length > 0 && !IsMailAddress(address))
            errors[nameof(command.EmailAddress)] = ["Give an e-mail address such as name@example.com."];

        var url = command.WebhookUrl?.Trim() ?? "";
        if (command.ByWebhook && url.Length == 0)
            errors[nameof(command.WebhookUrl)] = ["Give the webhook's address, or switch the webhook off."];
        else if (url.Length > ChooseNotificationChannels.UrlMaxLength)
            errors[nameof(command.WebhookUrl)] = [$"At most {ChooseNotificationChannels.UrlMaxLength} characters."];
        else if (url.Length > 0 && WebhookProblem(url, rules) is { } problem)
            errors[nameof(command.WebhookUrl)] = [problem];

        return errors.Count == 0 ? null : Refusal.ForFields(errors);
    }

    public static Decision Decide(
        ChooseNotificationChannels command, NotificationProfile? current, WebhookRules rules, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(ConsoleCommand.ChooseNotificationChannels, actor) is { } forbidden)
            return forbidden;
        if (Validate(command, rules) is { } invalid)
            return invalid;
        if ((current?.Version ?? 0) != command.ExpectedVersion)
            return Refusal.Because(new ChooseNotificationChannelsBy(command, actor).ConflictMessage, RefusalKind.Conflict);

        var address = command.EmailAddress?.Trim();
        var url = command.WebhookUrl?.Trim();
        return Decision.Emit(new NotificationChannelsChosen(
            actor.UserId, command.ByEmail, string.IsNullOrEmpty(address) ? null : address,
            command.ByWebhook, string.IsNullOrEmpty(url) ? null : url, actor.UserId, now));
    }

    private static bool IsMailAddress(string address) =>
        MailAddress.TryCreate(address, out var parsed) && parsed.Address == address && address.Contains('.', StringComparison.Ordinal);

    /// <summary>Why the console will not post to <paramref name="url"/>, or null.</summary>
    public static string? WebhookProblem(string url, WebhookRules rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http"))
            return "Give an absolute https address (for example https://hooks.slack.com/services/...).";
        if (uri.Scheme == "http" && !rules.AllowHttp)
            return "The webhook must use https.";
        if (!string.IsNullOrEmpty(uri.UserInfo))
            return "Leave user names and passwords out of the address; the console signs each call instead.";
        var host = uri.IdnHost;
        var listed = rules.AllowedHosts.Any(h => string.Equals(h, host, StringComparison.OrdinalIgnoreCase)
                                              || (h.StartsWith("*.", StringComparison.Ordinal) && host.EndsWith(h[1..], StringComparison.OrdinalIgnoreCase)));
        if (rules.AllowedHosts.Count > 0 && !listed)
            return $"Webhooks may go only to {string.Join(", ", rules.AllowedHosts)}.";
        if (!listed && IsInternal(host))
            return "The console does not post to its own or private network addresses.";
        return null;
    }

    private static bool IsInternal(string host)
    {
        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
            return true;
        if (!IPAddress.TryParse(host.Trim('[', ']'), out var ip))
            return false;
        if (IPAddress.IsLoopback(ip) || ip.IsIPv6LinkLocal || ip.IsIPv6SiteLocal || ip.IsIPv6UniqueLocal)
            return true;
        if (ip.IsIPv4MappedToIPv6)
            ip = ip.MapToIPv4();
        var b = ip.GetAddressBytes();
        return b.Length == 4 && (b[0] == 10 || b[0] == 0 || (b[0] == 172 && b[1] is >= 16 and <= 31) || (b[0] == 192 && b[1] == 168)
                                 || (b[0] == 169 && b[1] == 254) || (b[0] == 100 && b[1] is >= 64 and <= 127));
    }
}
