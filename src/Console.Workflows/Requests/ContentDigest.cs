using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Console.Workflows.Requests;

/// <summary>
/// The fingerprint approvals are bound to: lowercase hex SHA-256 over a canonical form of everything an approver
/// reads (the request content, the justification and the change window), in which the order of the component ids does
/// not matter. Free text is length-prefixed so no justification can imitate the lines after it.
/// </summary>
public static class ContentDigest
{
    public static string Of(RequestContent content, string justification, ChangeWindow? window)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(justification);
        var components = content.ComponentIds.Distinct().Order().Select(Id);
        var canonical = string.Join('\n',
            "vnf-console/request-content/v2",
            "kind=" + content.Kind.ToString(),
            "vnf=" + Id(content.VnfId),
            "components=" + string.Join(',', components),
            "source=" + Id(content.SourceEnvironmentId),
            "target=" + (content.TargetEnvironmentId is { } t ? Id(t) : "-"),
            "snapshot=" + (content.SnapshotId is { } s ? Id(s) : "-"),
            "policy-revision=" + content.PolicyRevision.ToString(CultureInfo.InvariantCulture),
            "window=" + (window is { } w ? Instant(w.Start) + "/" + Instant(w.End) : "-"),
            "justification=" + justification.Length.ToString(CultureInfo.InvariantCulture) + ":" + justification);
        // A guard change is approved for exactly the change it carries: its command and the version it was made on.
        if (content.Guard is { } guard)
            canonical += "\nguard=" + JsonSerializer.Serialize(guard);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static string Id(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);

    // The instant, whatever offset it was given in: the same window always digests the same.
    private static string Instant(DateTimeOffset at) => at.UtcTicks.ToString(CultureInfo.InvariantCulture);
}
