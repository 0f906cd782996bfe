using System.Globalization;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;

namespace Console.Workflows.Guards.Classifying;

/// <summary>
/// Pure functions that say, per kind of change, which differences a decided change makes to the guards that
/// migrations and approvals are judged by, and whether each weakens protection. They read the events the change's own
/// decider emitted (cleaned, validated input) against the state before it. When a difference could help an attacker
/// past a guard, it counts as weakening; only differences that can only make the guards stricter, or that no guard
/// reads (names, descriptions, locations), apply at once.
/// </summary>
public static class GuardClassifier
{
    /// <summary>
    /// Weakening: a higher trust level (more sensitive components may run there), an attestation status turned to
    /// Attested (the console did not attest it), and handing the environment from one operating domain to another
    /// (it decides whether a migration crosses domains and whose owners approve). A first assignment can only add
    /// cross-domain approvals, so it is not.
    /// </summary>
    public static GuardVerdict Environment(
        ExecutionEnvironment before, IEnumerable<object> decided, Func<Guid, string>? domainName = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        var name = domainName ?? (id => id.ToString("D", CultureInfo.InvariantCulture));
        var differences = new List<GuardDifference>();
        foreach (var e in decided)
        {
            switch (e)
            {
                case EnvironmentChanged changed:
                    if (changed.TrustLevel != before.TrustLevel)
                        differences.Add(new("Trust level", before.TrustLevel.ToString(), changed.TrustLevel.ToString(),
                            changed.TrustLevel > before.TrustLevel));
                    if (changed.Name != before.Name)
                        differences.Add(new("Name", before.Name, changed.Name, false));
                    if (changed.Kind != before.Kind)
                        differences.Add(new("Kind", before.Kind.ToString(), changed.Kind.ToString(), false));
                    if (changed.Location != before.Location)
                        differences.Add(new("Location", before.Location, changed.Location, false));
                    break;
                case EnvironmentAttestationRecorded attestation when attestation.Status != before.AttestationStatus:
                    differences.Add(new("Attestation status", before.AttestationStatus.ToString(), attestation.Status.ToString(),
                        attestation.Status == AttestationStatus.Attested));
                    break;
                case EnvironmentOperatorDomainAssigned assigned when assigned.TrustDomainId != before.OperatorDomainId:
                    differences.Add(new("Operating trust domain",
                        before.OperatorDomainId is { } from ? name(from) : "(none)", name(assigned.TrustDomainId),
                        before.OperatorDomainId is not null));
                    break;
            }
        }

        return new GuardVerdict(differences);
    }

    /// <summary>
    /// Weakening: a role that approves or administers (<see cref="Accounts.AccountRules.Empowering"/>) granted to the
    /// account. An administrator alone could otherwise make a second approver of a colleague, or an administrator of an
    /// accomplice; taking roles away, or granting one that only reads or requests, applies at once.
    /// </summary>
    public static GuardVerdict AccountRoles(Accounts.UserAccount before, IEnumerable<object> decided)
    {
        ArgumentNullException.ThrowIfNull(before);
        var differences = new List<GuardDifference>();
        foreach (var changed in decided.OfType<Accounts.AccountRolesChanged>())
        {
            var granted = changed.Roles.Except(before.Roles).ToList();
            differences.Add(new($"Roles of {before.UserName}", RolesText(before.Roles), RolesText(changed.Roles),
                granted.Any(Accounts.AccountRules.Empowering.Contains)));
        }

        return new GuardVerdict(differences);
    }

    /// <summary>A reset always weakens: the person's decisions lose their second factor until they enrol again.</summary>
    public static GuardVerdict SecondFactor(Accounts.SecondFactor before, IEnumerable<object> decided)
    {
        ArgumentNullException.ThrowIfNull(before);
        return new GuardVerdict([.. decided.OfType<Accounts.SecondFactorReset>().Select(reset =>
            new GuardDifference($"Second factor of {before.UserName}",
                before.IsEnrolled ? $"authenticator app enrolled, {before.RecoveryCodeHashes.Count} recovery codes left" : "enrolment begun, not confirmed",
                "none: they enrol again on their profile", true))]);
    }

    private static string RolesText(IReadOnlyCollection<string> roles) => roles.Count == 0 ? "(none)" : string.Join(", ", roles);

    /// <summary>Weakening: another owner group (it names who approves migrations into the domain).</summary>
    public static GuardVerdict TrustDomain(TrustDomain before, IEnumerable<object> decided)
    {
        ArgumentNullException.ThrowIfNull(before);
        var differences = new List<GuardDifference>();
        foreach (var changed in decided.OfType<TrustDomainChanged>())
        {
            if (changed.OwnerGroup != before.OwnerGroup)
                differences.Add(new("Owner group", before.OwnerGroup, changed.OwnerGroup, true));
            if (changed.Name != before.Name)
                differences.Add(new("Name", before.Name, changed.Name, false));
            if (changed.Description != before.Description)
                differences.Add(new("Description", before.Description, changed.Description, false));
        }

        return new GuardVerdict(differences);
    }

    /// <summary>
    /// Weakening: a component removed (it leaves protection), a lower sensitivity, another trust domain for a
    /// component (it decides crossings and approvers), and moving the VNF by inventory correction (that skips the
    /// migration's placement check, approval and attestation). Adding components and renaming are not.
    /// </summary>
    public static GuardVerdict Vnf(Vnf before, IEnumerable<object> decided, Func<Guid, string>? nameOf = null)
    {
        ArgumentNullException.ThrowIfNull(before);
        var name = nameOf ?? (id => id.ToString("D", CultureInfo.InvariantCulture));
        var current = before.Components.ToDictionary(c => c.Id);
        var differences = new List<GuardDifference>();
        foreach (var e in decided)
        {
            switch (e)
            {
                case VnfDetailsChanged details:
                    if (details.Name != before.Name)
                        differences.Add(new("Name", before.Name, details.Name, false));
                    if (details.Type != before.Type || details.Vendor != before.Vendor || details.SoftwareVersion != before.SoftwareVersion)
                        differences.Add(new("Type, vendor and version",
                            $"{before.Type}, {before.Vendor} {before.SoftwareVersion}",
                            $"{details.Type}, {details.Vendor} {details.SoftwareVersion}", false));
                    break;
                case VnfComponentRemoved removed when current.TryGetValue(removed.ComponentId, out var gone):
                    differences.Add(new($"Component {gone.Name}", $"{gone.Sensitivity}, in {name(gone.TrustDomainId)}", "(removed)", true));
                    break;
                case VnfComponentChanged changed when current.TryGetValue(changed.ComponentId, out var was):
                    if (changed.Sensitivity != was.Sensitivity)
                        differences.Add(new($"Sensitivity of {was.Name}", was.Sensitivity.ToString(), changed.Sensitivity.ToString(),
                            changed.Sensitivity < was.Sensitivity));
                    if (changed.TrustDomainId != was.TrustDomainId)
                        differences.Add(new($"Trust domain of {was.Name}", name(was.TrustDomainId), name(changed.TrustDomainId), true));
                    if (changed.Name != was.Name)
                        differences.Add(new("Component name", was.Name, changed.Name, false));
                    break;
                case VnfComponentAdded added:
                    differences.Add(new($"Component {added.Name}", "(none)", $"{added.Sensitivity}, in {name(added.TrustDomainId)}", false));
                    break;
                case VnfMoved moved:
                    differences.Add(new("Runs in (inventory correction, no migration checks)",
                        name(moved.FromEnvironmentId), name(moved.ToEnvironmentId), true));
                    break;
            }
        }

        return new GuardVerdict(differences);
    }

    /// <summary>
    /// Weakening, per sensitivity: a lower required trust level, a longer maximum snapshot age, and any approver
    /// group that is gone, renamed, re-sourced, given another role or asks for fewer approvals; the same for the
    /// cross-domain groups; a longer pending-request timeout; no longer keeping the last good snapshot.
    /// </summary>
    public static GuardVerdict Policy(PolicyDocument before, PolicyDocument after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var differences = new List<GuardDifference>();
        foreach (var sensitivity in Enum.GetValues<Sensitivity>())
        {
            var was = before.Sensitivities.FirstOrDefault(r => r?.Sensitivity == sensitivity);
            var now = after.Sensitivities.FirstOrDefault(r => r?.Sensitivity == sensitivity);
            if (was is null || now is null)
            {
                if (was != now)
                    differences.Add(new($"{sensitivity} rule", was is null ? "(none)" : "present", now is null ? "(none)" : "present", now is null));
                continue;
            }

            if (now.RequiredTrustLevel != was.RequiredTrustLevel)
                differences.Add(new($"{sensitivity}: required trust level", was.RequiredTrustLevel.ToString(), now.RequiredTrustLevel.ToString(),
                    now.RequiredTrustLevel < was.RequiredTrustLevel));
            if (now.MaxSnapshotAge != was.MaxSnapshotAge)
                differences.Add(new($"{sensitivity}: maximum snapshot age", Span(was.MaxSnapshotAge), Span(now.MaxSnapshotAge),
                    now.MaxSnapshotAge > was.MaxSnapshotAge));
            Groups($"{sensitivity}: approvals", was.Approvals, now.Approvals, differences);
        }

        Groups("Cross-domain approvals", before.CrossDomainApprovals, after.CrossDomainApprovals, differences);
        if (after.PendingRequestTimeout != before.PendingRequestTimeout)
            differences.Add(new("Pending requests expire after", Span(before.PendingRequestTimeout), Span(after.PendingRequestTimeout),
                after.PendingRequestTimeout > before.PendingRequestTimeout));
        if (after.KeepLastGoodSnapshot != before.KeepLastGoodSnapshot)
            differences.Add(new("Keep the last good snapshot", Yes(before.KeepLastGoodSnapshot), Yes(after.KeepLastGoodSnapshot),
                !after.KeepLastGoodSnapshot));
        return new GuardVerdict(differences);
    }

    // Every group before must still be there under the same name, source and role, asking for at least as many.
    private static void Groups(
        string what, IReadOnlyList<ApproverGroup>? before, IReadOnlyList<ApproverGroup>? after, List<GuardDifference> differences)
    {
        var was = (before ?? []).Where(g => g is not null).ToList();
        var now = (after ?? []).Where(g => g is not null).ToList();
        if (Describe(was) == Describe(now))
            return;
        var weakens = was.Any(old => !now.Any(g =>
            string.Equals(g.Name?.Trim(), old.Name?.Trim(), StringComparison.OrdinalIgnoreCase)
            && g.Source == old.Source
            && (g.Source != ApproverSource.Role || string.Equals(g.Role, old.Role, StringComparison.Ordinal))
            && g.Required >= old.Required));
        differences.Add(new(what, Describe(was), Describe(now), weakens));
    }

    private static string Describe(List<ApproverGroup> groups) =>
        groups.Count == 0
            ? "none"
            : string.Join(", ", groups.Select(g => g.Source == ApproverSource.Role
                ? $"{g.Required} of {g.Name?.Trim()} (role {g.Role})"
                : $"{g.Required} of {g.Name?.Trim()} (target domain owners)"));

    private static string Span(TimeSpan span) =>
        span.TotalDays >= 1 && span.TotalDays == Math.Floor(span.TotalDays)
            ? $"{span.TotalDays:0} days"
            : span.TotalHours >= 1 ? $"{span.TotalHours:0.##} hours" : $"{span.TotalMinutes:0.##} minutes";

    private static string Yes(bool value) => value ? "yes" : "no";
}
