using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Requests.Submitting;

namespace Console.Workflows.Requests.Approvals;

/// <summary>
/// Which approvals a request needs: the AND of the groups its components' sensitivities demand (per group name the
/// highest count), plus the policy's cross-domain groups when a migration moves components into an environment that
/// another trust domain operates.
/// </summary>
public static class ApprovalRules
{
    public static ApprovalRequirement RequirementFor(RequestContent content, SubmissionFacts facts)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(facts);
        var policy = facts.Policy.Document;
        var touched = TouchedComponents(content, facts);

        var groups = new List<RequiredGroup>();
        var sensitivities = touched.Select(c => c.Sensitivity).Distinct().Order().ToList();
        foreach (var sensitivity in sensitivities)
        {
            var rule = policy.Sensitivities.FirstOrDefault(r => r.Sensitivity == sensitivity);
            foreach (var group in rule?.Approvals ?? [])
                Merge(groups, Resolve(group, null));
        }

        var parts = new List<string>();
        var sensitivityGroups = groups.ToList();
        var subject = sensitivities.Count == 0 ? "No components" : $"{Humanise.List(sensitivities.Select(s => s.ToString()))} components";
        parts.Add(sensitivityGroups.Count == 0
            ? $"{subject}: no approval needed"
            : $"{subject}: {Humanise.List(sensitivityGroups.Select(Humanise.Group))}");

        // A roll-back loses state and brings an old one back: a security officer is always in the quorum, whatever
        // the policy says about the components' sensitivities (the policy may ask for more, never for less).
        if (content.Kind == RequestKind.Restore
            && !groups.Any(g => g.Source == ApproverSource.Role && g.Designates == Roles.SecurityOfficer && g.Required >= 1))
        {
            var officer = new RequiredGroup(DefaultPolicy.SecurityOfficers, ApproverSource.Role, Roles.SecurityOfficer, 1);
            Merge(groups, officer);
            parts.Add($"a roll-back always needs {Humanise.Group(officer)}");
        }

        var crossing = Crossing(content, facts, touched);
        if (crossing is { } cross)
        {
            var crossGroups = policy.CrossDomainApprovals.Select(g => Resolve(g, cross.TargetOwnerGroup)).ToList();
            foreach (var group in crossGroups)
                Merge(groups, group);
            parts.Add(crossGroups.Count == 0
                ? $"crosses from {cross.From} into {cross.Into}: no extra approval"
                : $"crosses from {cross.From} into {cross.Into}: {Humanise.List(crossGroups.Select(Humanise.Group))}");
        }

        return new ApprovalRequirement(groups, crossing is not null, string.Join("; ", parts))
        {
            HighestSensitivity = sensitivities.Count == 0 ? Sensitivity.Public : sensitivities.Max(),
        };
    }

    /// <summary>The components the request touches: the VNF's, or for a deletion or restore those captured in the snapshot.</summary>
    public static IReadOnlyList<(Guid Id, string Name, Sensitivity Sensitivity, Guid TrustDomainId)> TouchedComponents(
        RequestContent content, SubmissionFacts facts)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(facts);
        var ids = content.ComponentIds.ToHashSet();
        if (content.Kind is RequestKind.SnapshotDeletion or RequestKind.Restore && facts.Snapshot is { } snapshot)
            return [.. snapshot.Components.Where(c => ids.Contains(c.ComponentId))
                .Select(c => (c.ComponentId, c.Name, c.Sensitivity, c.TrustDomainId))];
        return [.. facts.Vnf.Components.Where(c => ids.Contains(c.Id)).Select(c => (c.Id, c.Name, c.Sensitivity, c.TrustDomainId))];
    }

    private sealed record CrossingInfo(string From, string Into, string TargetOwnerGroup);

    private static CrossingInfo? Crossing(
        RequestContent content, SubmissionFacts facts,
        IReadOnlyList<(Guid Id, string Name, Sensitivity Sensitivity, Guid TrustDomainId)> touched)
    {
        if (content.Kind != RequestKind.Migration || content.TargetEnvironmentId is not { } targetId)
            return null;
        // An environment no domain has been assigned to cannot be judged as crossing; execution still attests it.
        if (!facts.Environments.TryGetValue(targetId, out var target) || target.OperatorDomainId is not { } operatorId)
            return null;

        var foreign = touched.Select(c => c.TrustDomainId).Where(d => d != operatorId).Distinct().ToList();
        if (foreign.Count == 0)
            return null;

        var into = facts.TrustDomains.GetValueOrDefault(operatorId);
        var from = Humanise.List(foreign.Select(d => facts.TrustDomains.GetValueOrDefault(d)?.Name ?? "an unknown trust domain"));
        return new CrossingInfo(from, into?.Name ?? "an unknown trust domain", into?.OwnerGroup ?? string.Empty);
    }

    private static RequiredGroup Resolve(ApproverGroup group, string? targetOwnerGroup) =>
        group.Source switch
        {
            ApproverSource.TargetDomainOwners => new RequiredGroup(group.Name.Trim(), group.Source, targetOwnerGroup ?? string.Empty, group.Required),
            _ => new RequiredGroup(group.Name.Trim(), group.Source, group.Role ?? string.Empty, group.Required),
        };

    // Groups with the same name are one group: the strictest count wins.
    private static void Merge(List<RequiredGroup> groups, RequiredGroup group)
    {
        var index = groups.FindIndex(g => string.Equals(g.Name, group.Name, StringComparison.OrdinalIgnoreCase));
        if (index < 0)
            groups.Add(group);
        else if (group.Required > groups[index].Required)
            groups[index] = groups[index] with { Required = group.Required };
    }
}

/// <summary>Requirement wording for people: "1 NOC approver and 1 security officer".</summary>
public static class Humanise
{
    public static string Group(RequiredGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        if (group.Source == ApproverSource.TargetDomainOwners)
            return $"{group.Required} {(group.Required == 1 ? "member" : "members")} of {group.Designates}";
        var name = group.Name;
        if (group.Required == 1 && name.EndsWith('s'))
            name = name[..^1];
        // "Security officers" reads as a common noun mid-sentence; "NOC approvers" keeps its acronym.
        if (name.Length > 1 && char.IsUpper(name[0]) && char.IsLower(name[1]))
            name = char.ToLowerInvariant(name[0]) + name[1..];
        return $"{group.Required} {name}";
    }

    public static string List(IEnumerable<string> items)
    {
        var list = items.ToList();
        return list.Count switch
        {
            0 => string.Empty,
            1 => list[0],
            _ => string.Join(", ", list.Take(list.Count - 1)) + " and " + list[^1],
        };
    }
}
