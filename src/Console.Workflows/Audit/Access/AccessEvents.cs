namespace Console.Workflows.Audit.Access;

// Access facts for the security history. Each is appended on a stream of its own, so recording one never waits for,
// or conflicts with, anything else.

/// <summary>A person's console session began: who, with which roles, through which provider and from where.</summary>
public sealed record SignedIn(
    string UserId, string DisplayName, IReadOnlyList<string> Roles, string Provider, string? RemoteAddress, DateTimeOffset At);

/// <summary>
/// Someone tried a sensitive operation and was refused: missing role on a page or endpoint, or a workflow refusal about
/// permission or safety (approving one's own request, a move into a less trustworthy environment ...).
/// <see cref="Resource"/> names what was acted on as <c>kind/id</c> pairs (<see cref="AccessResources"/>).
/// </summary>
public sealed record AccessRefused(string UserId, string Operation, string Resource, string Reason, DateTimeOffset At)
{
    /// <summary>The person's display name when the refusing layer knew it.</summary>
    public string? DisplayName { get; init; }

    /// <summary>
    /// Identical refusals (same person, operation and resource) since the previous recorded one that were not recorded
    /// one by one, because they came within the same minute (<see cref="RefusalThrottle"/>).
    /// </summary>
    public int RepeatsBefore { get; init; }

    /// <summary>
    /// Other refusals of this person that were not recorded because they came after the person's per-minute cap
    /// (<see cref="RefusalThrottle.MaxRecordsPerPerson"/>) was reached, since the person's previous record.
    /// </summary>
    public int SuppressedBefore { get; init; }

    /// <summary>
    /// This record is the summary that the person reached the per-minute cap: further refusals in that minute are
    /// only counted (on the person's next record, <see cref="SuppressedBefore"/>).
    /// </summary>
    public bool CapReached { get; init; }
}

/// <summary>
/// How refusals name what was acted on: <c>request/{id}</c>, <c>vnf/{id}/environment/{id}</c>, <c>policy</c>, or the
/// HTTP path for pages and endpoints. The history reads the ids back to file the refusal under its request or VNF.
/// </summary>
public static class AccessResources
{
    public const string Policy = "policy";

    public static string Request(Guid id) => $"request/{id}";

    public static string Vnf(Guid id) => $"vnf/{id}";

    public static string Environment(Guid id) => $"environment/{id}";

    public static string TrustDomain(Guid id) => $"trust-domain/{id}";

    public static string Snapshot(Guid id) => $"snapshot/{id}";

    /// <summary>
    /// The ids a resource names, by kind (request, vnf, environment, trust-domain); unknown parts are skipped. HTTP paths
    /// read the same way: <c>/api/requests/{id}/approve</c> names request {id}.
    /// </summary>
    public static IReadOnlyList<(string Kind, Guid Id)> Parse(string? resource)
    {
        if (string.IsNullOrWhiteSpace(resource))
            return [];
        var parts = resource.Split('/', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var ids = new List<(string, Guid)>();
        for (var i = 0; i + 1 < parts.Length; i++)
        {
            if (Guid.TryParse(parts[i + 1], out var id))
            {
                var kind = parts[i].ToLowerInvariant();
                ids.Add((kind.EndsWith('s') ? kind[..^1] : kind, id));
                i++;
            }
        }

        return ids;
    }
}
