using System.Text.Json;
using System.Text.Json.Serialization;
using Console.Workflows.Requests;

namespace Console.Workflows.Audit.Integrity.Proofs;

/// <summary>
/// One person's decision on the request as its signed event records it: who, for which group, when, and how they
/// authenticated for it (<c>StepUpMethods</c>: totp, recovery-code, fresh-sign-in, none; null in events older than
/// step-up). The values are copied verbatim from the event's stored data, so the offline checker compares this list
/// with the signed events field by field and refuses a bundle whose list says anything else.
/// </summary>
public sealed record EvidenceDecision(
    [property: JsonPropertyName("seq")] long Seq,
    [property: JsonPropertyName("decision")] string Decision,
    [property: JsonPropertyName("person_id")] string? PersonId,
    [property: JsonPropertyName("person_name")] string? PersonName,
    [property: JsonPropertyName("group")] string? Group,
    [property: JsonPropertyName("at")] string? At,
    [property: JsonPropertyName("authentication_method")] string? AuthenticationMethod,
    [property: JsonPropertyName("authenticated_at")] string? AuthenticatedAt)
{
    public const string Approved = "approved";
    public const string Rejected = "rejected";

    /// <summary>The stored type names (Marten's) of the request events that record a person's decision.</summary>
    private static readonly Dictionary<string, string> DecisionTypes = new(StringComparer.Ordinal)
    {
        ["approval_granted"] = Approved,
        ["request_rejected"] = Rejected,
    };

    /// <summary>The approvals and the rejection among a bundle's items of the request's own stream, in log order.</summary>
    public static IReadOnlyList<EvidenceDecision> Of(IEnumerable<EvidenceItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        return [.. items
            .Where(i => i.Part == EvidenceBundles.RequestPart && DecisionTypes.ContainsKey(i.Event.Type))
            .Select(Read)];
    }

    private static EvidenceDecision Read(EvidenceItem item)
    {
        using var data = JsonDocument.Parse(item.Event.Data);
        var root = data.RootElement;
        string? Text(string name) =>
            root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        // ApprovalGranted and RequestRejected name the person and the authentication alike; only an approval fills a group.
        return new EvidenceDecision(item.Event.Seq, DecisionTypes[item.Event.Type],
            Text(nameof(ApprovalGranted.ApproverId)), Text(nameof(ApprovalGranted.ApproverName)), Text(nameof(ApprovalGranted.Group)),
            Text(nameof(ApprovalGranted.At)), Text(nameof(ApprovalGranted.AuthenticationMethod)), Text(nameof(ApprovalGranted.AuthenticatedAt)));
    }
}
