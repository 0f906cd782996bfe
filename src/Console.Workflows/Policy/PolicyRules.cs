using Console.Workflows.Common;
using Console.Workflows.Inventory;

namespace Console.Workflows.Policy;

/// <summary>What makes a policy document acceptable. Field errors are keyed by the document's property paths.</summary>
public static class PolicyRules
{
    public const int GroupNameMaxLength = 60;
    public const int RequiredMax = 20;
    public static readonly TimeSpan MaxSnapshotAgeMin = TimeSpan.FromHours(1);
    public static readonly TimeSpan MaxSnapshotAgeMax = TimeSpan.FromDays(3650);
    public static readonly TimeSpan PendingTimeoutMin = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan PendingTimeoutMax = TimeSpan.FromDays(30);

    // Executions per request: 1 means no retry at all; the ceiling keeps a failing change from being hammered at.
    public const int MaxExecutionAttemptsDefault = 3;
    public const int MaxExecutionAttemptsMin = 1;
    public const int MaxExecutionAttemptsMax = 10;

    /// <summary>Empty when the document is valid.</summary>
    public static IReadOnlyDictionary<string, string[]> Validate(PolicyDocument? document)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
                errors[field] = list = [];
            list.Add(message);
        }

        if (document is null)
        {
            Add("Document", "A policy document is required.");
            return Freeze(errors);
        }

        var rules = document.Sensitivities ?? [];
        foreach (var sensitivity in Enum.GetValues<Sensitivity>())
        {
            var count = rules.Count(r => r is not null && r.Sensitivity == sensitivity);
            if (count == 0)
                Add("Sensitivities", $"The policy needs a rule for {sensitivity} components.");
            else if (count > 1)
                Add("Sensitivities", $"The policy has {count} rules for {sensitivity} components; keep exactly one.");
        }

        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            var prefix = $"Sensitivities[{i}]";
            if (rule is null)
            {
                Add(prefix, "This rule is empty.");
                continue;
            }

            if (!Enum.IsDefined(rule.Sensitivity))
                Add($"{prefix}.Sensitivity", "Choose a valid sensitivity.");
            if (!Enum.IsDefined(rule.RequiredTrustLevel))
                Add($"{prefix}.RequiredTrustLevel", "Choose a valid trust level.");
            if (rule.MaxSnapshotAge < MaxSnapshotAgeMin || rule.MaxSnapshotAge > MaxSnapshotAgeMax)
                Add($"{prefix}.MaxSnapshotAge", "Snapshots must be kept between 1 hour and 10 years.");
            ValidateGroups(rule.Approvals, $"{prefix}.Approvals", Add);
        }

        // A more sensitive component may never be allowed somewhere a less sensitive one may not run.
        for (var i = 0; i < rules.Count; i++)
        {
            var higher = rules[i];
            if (higher is null)
                continue;
            var stricterBelow = rules
                .Where(r => r is not null && r.Sensitivity < higher.Sensitivity && r.RequiredTrustLevel > higher.RequiredTrustLevel)
                .OrderByDescending(r => r.RequiredTrustLevel)
                .FirstOrDefault();
            if (stricterBelow is not null)
                Add($"Sensitivities[{i}].RequiredTrustLevel",
                    $"{higher.Sensitivity} components need at least the trust level {stricterBelow.Sensitivity} ones need ({stricterBelow.RequiredTrustLevel}).");
        }

        ValidateGroups(document.CrossDomainApprovals, "CrossDomainApprovals", Add);

        if (document.PendingRequestTimeout < PendingTimeoutMin || document.PendingRequestTimeout > PendingTimeoutMax)
            Add("PendingRequestTimeout", "Pending requests must expire after between 5 minutes and 30 days.");
        if (document.MaxExecutionAttempts is < MaxExecutionAttemptsMin or > MaxExecutionAttemptsMax)
            Add(nameof(PolicyDocument.MaxExecutionAttempts),
                $"A request may be executed between {MaxExecutionAttemptsMin} and {MaxExecutionAttemptsMax} times in all.");

        return Freeze(errors);
    }

    private static void ValidateGroups(IReadOnlyList<ApproverGroup>? groups, string prefix, Action<string, string> add)
    {
        groups ??= [];
        for (var j = 0; j < groups.Count; j++)
        {
            var group = groups[j];
            var at = $"{prefix}[{j}]";
            if (group is null)
            {
                add(at, "This group is empty.");
                continue;
            }

            var name = group.Name?.Trim() ?? string.Empty;
            if (name.Length == 0)
                add($"{at}.Name", "Name the group.");
            else if (name.Length > GroupNameMaxLength)
                add($"{at}.Name", $"Group names must be at most {GroupNameMaxLength} characters.");
            if (group.Required < 1)
                add($"{at}.Required", "At least 1 approval is needed from a group.");
            else if (group.Required > RequiredMax)
                add($"{at}.Required", $"At most {RequiredMax} approvals can be required from one group.");

            switch (group.Source)
            {
                case ApproverSource.Role:
                    if (group.Role is null || !Roles.All.Contains(group.Role, StringComparer.Ordinal))
                        add($"{at}.Role", $"Choose one of the roles: {string.Join(", ", Roles.All)}.");
                    break;
                case ApproverSource.TargetDomainOwners:
                    break;
                default:
                    add($"{at}.Source", "Choose who approves for this group.");
                    break;
            }
        }

        foreach (var duplicate in groups.Where(g => g is not null && !string.IsNullOrWhiteSpace(g.Name))
                     .GroupBy(g => g.Name.Trim(), StringComparer.OrdinalIgnoreCase).Where(g => g.Count() > 1))
            add(prefix, $"The group \"{duplicate.Key}\" appears more than once.");
    }

    private static Dictionary<string, string[]> Freeze(Dictionary<string, List<string>> errors) =>
        errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
