using System.Text.Json.Nodes;

namespace Console.Workflows.Audit.Integrity.Verifying.Documents;

/// <summary>
/// Compares a document rebuilt from its events with the stored one, both serialised by the store's serializer, and
/// names the fields that differ (JSON paths such as <c>Document.Sensitivities[1].Approvals</c>).
/// </summary>
public static class DocumentComparison
{
    /// <summary>How many differing fields one finding lists (the rest are counted).</summary>
    public const int MaxFieldsListed = 8;

    /// <summary>
    /// Top-level fields not compared: <c>Version</c> is the stream version Marten writes into inline snapshots for
    /// optimistic concurrency (it is checked against the stream on every write, and decides nothing). Marten's own
    /// metadata (mt_version, mt_last_modified, mt_dotnet_type ...) are columns beside the JSON and are not read at all.
    /// </summary>
    public static readonly IReadOnlySet<string> Ignored = new HashSet<string>(StringComparer.Ordinal) { "Version" };

    public static IReadOnlyList<string> DifferingFields(JsonNode? rebuilt, JsonNode? stored)
    {
        var found = new List<string>();
        if (rebuilt is JsonObject r && stored is JsonObject s)
        {
            foreach (var name in r.Select(p => p.Key).Union(s.Select(p => p.Key), StringComparer.Ordinal).Order(StringComparer.Ordinal))
            {
                if (!Ignored.Contains(name))
                    Walk(r[name], s[name], name, found);
            }
        }
        else
        {
            Walk(rebuilt, stored, "", found);
        }

        return found;
    }

    private static void Walk(JsonNode? rebuilt, JsonNode? stored, string path, List<string> found)
    {
        switch (rebuilt, stored)
        {
            case (JsonObject r, JsonObject s):
                foreach (var name in r.Select(p => p.Key).Union(s.Select(p => p.Key), StringComparer.Ordinal).Order(StringComparer.Ordinal))
                    Walk(r[name], s[name], path.Length == 0 ? name : $"{path}.{name}", found);
                break;
            case (JsonArray r, JsonArray s) when r.Count == s.Count:
                for (var i = 0; i < r.Count; i++)
                    Walk(r[i], s[i], $"{path}[{i}]", found);
                break;
            default:
                if (!JsonNode.DeepEquals(rebuilt, stored))
                    found.Add(path.Length == 0 ? "(whole document)" : path);
                break;
        }
    }

    /// <summary>The fields for a report line: the first <see cref="MaxFieldsListed"/>, and how many more.</summary>
    public static string Describe(IReadOnlyList<string> fields) =>
        fields.Count <= MaxFieldsListed
            ? string.Join(", ", fields)
            : $"{string.Join(", ", fields.Take(MaxFieldsListed))} and {fields.Count - MaxFieldsListed} more";
}
