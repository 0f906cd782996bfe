using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Console.Workflows.Requests;

/// <summary>
/// The fingerprint approvals are bound to: lowercase hex SHA-256 over a canonical form of the request content, in
/// which the order of the component ids does not matter.
/// </summary>
public static class ContentDigest
{
    public static string Of(RequestContent content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var components = content.ComponentIds.Distinct().Order().Select(Id);
        var canonical = string.Join('\n',
            "vnf-console/request-content/v1",
            "kind=" + content.Kind.ToString(),
            "vnf=" + Id(content.VnfId),
            "components=" + string.Join(',', components),
            "source=" + Id(content.SourceEnvironmentId),
            "target=" + (content.TargetEnvironmentId is { } t ? Id(t) : "-"),
            "snapshot=" + (content.SnapshotId is { } s ? Id(s) : "-"),
            "policy-revision=" + content.PolicyRevision.ToString(CultureInfo.InvariantCulture));
        // A guard change is approved for exactly the change it carries: its command and the version it was made on.
        if (content.Guard is { } guard)
            canonical += "\nguard=" + JsonSerializer.Serialize(guard);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    private static string Id(Guid id) => id.ToString("D", CultureInfo.InvariantCulture);
}
