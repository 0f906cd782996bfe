using Console.Workflows.Common;
using Console.Workflows.Inventory;

namespace Console.Workflows.Policy;

/// <summary>
/// What no revision of the policy may go below, whoever approves it: Critical components need trust level High and
/// at least one security officer's approval. The third floor, that a roll-back always needs a security officer, holds
/// whatever the policy says because the requirement adds one (<c>ApprovalRules.RequirementFor</c>).
/// </summary>
public static class PolicyFloors
{
    public const TrustLevel CriticalTrustLevel = TrustLevel.High;

    public const string Message =
        "This revision crosses the policy's floors, which no revision may cross: Critical components always need trust level High and the approval of at least 1 security officer (and a roll-back always needs a security officer).";

    /// <summary>Null when the document keeps every floor; else the refusal, with the fields that cross one.</summary>
    public static Refusal? Check(PolicyDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var rules = document.Sensitivities ?? [];
        for (var i = 0; i < rules.Count; i++)
        {
            var rule = rules[i];
            if (rule is null || rule.Sensitivity != Sensitivity.Critical)
                continue;
            if (rule.RequiredTrustLevel < CriticalTrustLevel)
                errors[$"Sensitivities[{i}].RequiredTrustLevel"] = [$"Critical components always need trust level {CriticalTrustLevel}."];
            if (!NeedsSecurityOfficer(rule.Approvals))
                errors[$"Sensitivities[{i}].Approvals"] = ["Critical components always need the approval of at least 1 security officer."];
        }

        return errors.Count == 0 ? null : new Refusal(Message, errors, RefusalKind.Invalid);
    }

    public static bool NeedsSecurityOfficer(IReadOnlyList<ApproverGroup>? groups) =>
        (groups ?? []).Any(g => g is { Source: ApproverSource.Role, Role: Roles.SecurityOfficer, Required: >= 1 });
}
