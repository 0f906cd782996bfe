using Console.Workflows.Common;
using Console.Workflows.Policy;

namespace Console.Workflows.Requests.Approvals;

/// <summary>
/// Whether a request's approvals meet its requirement. Each group of N approvals is N slots; each distinct person may
/// fill at most one slot of a group they were eligible for; the quorum counts a maximum matching of people to slots,
/// so a person holding several roles counts once and the order of approvals does not matter.
/// </summary>
public static class Quorum
{
    public static bool IsEligible(RequiredGroup group, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(actor);
        return group.Source switch
        {
            ApproverSource.Role => group.Designates.Length > 0 && actor.IsInRole(group.Designates),
            ApproverSource.TargetDomainOwners => group.Designates.Length > 0 && actor.IsInGroup(group.Designates),
            _ => false,
        };
    }

    /// <summary>The groups of the requirement this person could fill (ignoring whether they are full).</summary>
    public static IReadOnlyList<string> EligibleGroups(ApprovalRequirement requirement, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        return [.. requirement.Groups.Where(g => IsEligible(g, actor)).Select(g => g.Name)];
    }

    /// <summary>Per group, the approvals counted in it (each approval's Group is the group it was counted in).</summary>
    public static IReadOnlyList<GroupProgress> Progress(ApprovalRequirement requirement, IEnumerable<Approval> current)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        var approvers = Distinct(current);
        var match = Match(requirement, approvers.Select(a => (a.ApproverId, Eligible(a), a.Group)).ToList());
        return [.. requirement.Groups.Select((g, gi) => new GroupProgress(
            g,
            [.. approvers.Where(a => match.TryGetValue(a.ApproverId, out var slot) && slot == gi).Select(a => a with { Group = g.Name })]))];
    }

    /// <summary>Progress of a request, never counting the requester or approvals of an earlier content.</summary>
    public static IReadOnlyList<GroupProgress> Progress(ChangeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Progress(request.Requirement, request.CurrentApprovals.Where(a => a.ApproverId != request.RequesterId));
    }

    public static bool IsMet(ApprovalRequirement requirement, IEnumerable<Approval> current) =>
        Progress(requirement, current).All(p => p.Satisfied);

    public static bool IsMet(ChangeRequest request) => Progress(request).All(p => p.Satisfied);

    /// <summary>Approvals still missing in all, after the best assignment of those given.</summary>
    public static int Missing(ApprovalRequirement requirement, IEnumerable<Approval> current) =>
        Progress(requirement, current).Sum(p => Math.Max(0, p.Group.Required - p.FilledBy.Count));

    /// <summary>
    /// The group this person's approval would fill now, or null: they requested it, already approved, are eligible for
    /// no group, or every group they could fill is full even after re-assigning the others.
    /// </summary>
    public static string? GroupFor(ApprovalRequirement requirement, IEnumerable<Approval> current, Actor actor, string requesterId)
    {
        ArgumentNullException.ThrowIfNull(requirement);
        ArgumentNullException.ThrowIfNull(actor);
        if (actor.UserId == requesterId)
            return null;
        var approvers = Distinct(current).Where(a => a.ApproverId != requesterId).ToList();
        if (approvers.Any(a => a.ApproverId == actor.UserId))
            return null;
        var eligible = EligibleGroups(requirement, actor);
        if (eligible.Count == 0)
            return null;

        var people = approvers.Select(a => (a.ApproverId, Eligible(a), a.Group)).ToList();
        var matched = Match(requirement, people);
        var before = matched.Count;

        // Prefer a slot that is free as things stand, so nobody else's counted group shifts.
        var free = requirement.Groups
            .Select((g, gi) => (g, gi))
            .FirstOrDefault(x => eligible.Contains(x.g.Name) && matched.Values.Count(v => v == x.gi) < x.g.Required);
        if (free.g is not null)
            return free.g.Name;

        people.Add((actor.UserId, eligible, eligible[0]));
        var after = Match(requirement, people);
        if (after.Count <= before || !after.TryGetValue(actor.UserId, out var slot))
            return null;
        return requirement.Groups[slot].Name;
    }

    private static List<Approval> Distinct(IEnumerable<Approval> current) =>
        [.. (current ?? []).OrderBy(a => a.At).GroupBy(a => a.ApproverId, StringComparer.Ordinal).Select(g => g.First())];

    private static IReadOnlyList<string> Eligible(Approval a) => a.EligibleGroups.Count > 0 ? a.EligibleGroups : [a.Group];

    /// <summary>Maximum bipartite matching (augmenting paths) of people to group slots; returns person → group index.</summary>
    private static Dictionary<string, int> Match(
        ApprovalRequirement requirement, List<(string Person, IReadOnlyList<string> Eligible, string Preferred)> people)
    {
        var slotGroup = requirement.Groups
            .SelectMany((g, gi) => Enumerable.Repeat(gi, Math.Max(0, g.Required)))
            .ToArray();
        var slotOwner = new int[slotGroup.Length];
        Array.Fill(slotOwner, -1);

        // For each person the slots they may take, their recorded group's slots first so assignments stay stable.
        var options = people.Select(p =>
        {
            var groups = requirement.Groups
                .Select((g, gi) => (g, gi))
                .Where(x => p.Eligible.Contains(x.g.Name, StringComparer.OrdinalIgnoreCase))
                .OrderBy(x => string.Equals(x.g.Name, p.Preferred, StringComparison.OrdinalIgnoreCase) ? 0 : 1)
                .ThenBy(x => x.gi)
                .Select(x => x.gi)
                .ToList();
            return groups.SelectMany(gi => Enumerable.Range(0, slotGroup.Length).Where(s => slotGroup[s] == gi)).ToArray();
        }).ToArray();

        for (var person = 0; person < people.Count; person++)
            TryAssign(person, new bool[slotGroup.Length]);

        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var s = 0; s < slotOwner.Length; s++)
            if (slotOwner[s] >= 0)
                result[people[slotOwner[s]].Person] = slotGroup[s];
        return result;

        bool TryAssign(int person, bool[] seen)
        {
            foreach (var slot in options[person])
            {
                if (seen[slot])
                    continue;
                seen[slot] = true;
                if (slotOwner[slot] < 0 || TryAssign(slotOwner[slot], seen))
                {
                    slotOwner[slot] = person;
                    return true;
                }
            }

            return false;
        }
    }
}
