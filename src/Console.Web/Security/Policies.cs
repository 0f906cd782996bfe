using Console.Workflows.Common;
using Microsoft.AspNetCore.Authorization;

namespace Console.Web.Security;

/// <summary>
/// Named authorization policies. Every page, endpoint and command names one of these; the UI hides what a policy
/// refuses only for convenience, the server enforces it.
/// </summary>
public static class Policies
{
    public const string ViewInventory = nameof(ViewInventory);
    public const string ManageInventory = nameof(ManageInventory);
    public const string Administer = nameof(Administer);
    public const string CreateRequests = nameof(CreateRequests);
    public const string ApproveRequests = nameof(ApproveRequests);
    public const string ViewRequests = nameof(ViewRequests);
    public const string ViewPolicy = nameof(ViewPolicy);
    public const string EditPolicy = nameof(EditPolicy);
    public const string RetryExecution = nameof(RetryExecution);
    public const string ViewHistory = nameof(ViewHistory);
    public const string VerifyIntegrity = nameof(VerifyIntegrity);
    public const string ViewSecurityAlerts = nameof(ViewSecurityAlerts);

    /// <summary>Pin and unpin snapshots (operations people and administrators); see <c>SnapshotGuards</c>.</summary>
    public const string ManageSnapshotRetention = nameof(ManageSnapshotRetention);

    /// <summary>Place and release legal holds: security officers and administrators, not operations.</summary>
    public const string PlaceLegalHold = nameof(PlaceLegalHold);
    public const string ViewDashboards = nameof(ViewDashboards);

    /// <summary>Mark a snapshot no longer needed: its requester (an operator) or an administrator.</summary>
    public const string MarkSnapshotNotNeeded = nameof(MarkSnapshotNotNeeded);

    /// <summary>Cancel a request: its requester (an operator) or an administrator; see <c>CancelRequestDecider</c>.</summary>
    public const string CancelRequests = nameof(CancelRequests);

    /// <summary>Acknowledge the open integrity alert: security officers.</summary>
    public const string AcknowledgeIntegrityAlerts = nameof(AcknowledgeIntegrityAlerts);

    /// <summary>Change the roles of built-in provider accounts, disable and enable them: administrators.</summary>
    public const string ManageAccounts = nameof(ManageAccounts);

    /// <summary>Propose an environment's attestation key and reference values: administrators and security officers.</summary>
    public const string ProposeEnrolments = nameof(ProposeEnrolments);

    /// <summary>Approve, reject and revoke attestation key enrolments: security officers.</summary>
    public const string DecideEnrolments = nameof(DecideEnrolments);

    /// <summary>Read an environment's enrolment and its last quote through the API: security officers and auditors.</summary>
    public const string ViewEnrolments = nameof(ViewEnrolments);

    /// <summary>Open one's own profile and choose notification channels (everyone with a role).</summary>
    public const string ChooseNotificationChannels = nameof(ChooseNotificationChannels);

    /// <summary>Acknowledge, assign and close fork and refused-evidence alerts.</summary>
    public const string HandleSecurityAlerts = nameof(HandleSecurityAlerts);

    /// <summary>Enrol, confirm or remove one's own second factor (the profile page).</summary>
    public const string ManageSecondFactor = nameof(ManageSecondFactor);

    // Every policy that guards a command takes its roles from the workflow's CommandRoles table, so a page or endpoint
    // can never offer more than the decider accepts. The rest only guard what a person may read.
    public static readonly IReadOnlyDictionary<string, string[]> RolesFor = new Dictionary<string, string[]>
    {
        [ViewInventory] = [.. Roles.All],
        [ManageInventory] = CommandRoles.ForAny(
            ConsoleCommand.RegisterTrustDomain, ConsoleCommand.ChangeTrustDomain, ConsoleCommand.RegisterEnvironment,
            ConsoleCommand.ChangeEnvironment, ConsoleCommand.RegisterVnf, ConsoleCommand.ChangeVnf),
        [Administer] = [Roles.Administrator],
        [CreateRequests] = CommandRoles.ForAny(CommandRoles.SubmitCommands),
        [ApproveRequests] = CommandRoles.ForAny(ConsoleCommand.ApproveRequest, ConsoleCommand.RejectRequest),
        [CancelRequests] = CommandRoles.ForAny(ConsoleCommand.CancelRequest),
        [ViewRequests] = [.. Roles.All],
        [ViewPolicy] = [.. Roles.All],
        [EditPolicy] = CommandRoles.ForAny(ConsoleCommand.RevisePolicy),
        [RetryExecution] = CommandRoles.ForAny(ConsoleCommand.RetryExecution),
        [MarkSnapshotNotNeeded] = CommandRoles.ForAny(ConsoleCommand.MarkSnapshotNotNeeded),
        [ManageSnapshotRetention] = CommandRoles.ForAny(ConsoleCommand.PinSnapshot, ConsoleCommand.UnpinSnapshot),
        [PlaceLegalHold] = CommandRoles.ForAny(ConsoleCommand.PlaceLegalHold, ConsoleCommand.ReleaseLegalHold),
        [ViewHistory] = [Roles.SecurityOfficer, Roles.Auditor],
        [VerifyIntegrity] = CommandRoles.ForAny(
            ConsoleCommand.VerifyIntegrity, ConsoleCommand.CheckpointIntegrity, ConsoleCommand.ExportIntegrityProof),
        [AcknowledgeIntegrityAlerts] = CommandRoles.ForAny(ConsoleCommand.AcknowledgeIntegrityAlert),
        [ViewSecurityAlerts] = [Roles.SecurityOfficer, Roles.Auditor],
        [ViewDashboards] = [Roles.Manager, Roles.SecurityOfficer, Roles.Administrator],
        [ManageAccounts] = CommandRoles.ForAny(ConsoleCommand.ChangeAccountRoles, ConsoleCommand.SetAccountDisabled, ConsoleCommand.ResetSecondFactor),
        [ProposeEnrolments] = CommandRoles.ForAny(ConsoleCommand.ProposeEnrolment),
        [DecideEnrolments] = CommandRoles.ForAny(ConsoleCommand.ApproveEnrolment, ConsoleCommand.RejectEnrolment, ConsoleCommand.RevokeAttestationKey),
        [ViewEnrolments] = [Roles.SecurityOfficer, Roles.Auditor],
        [ChooseNotificationChannels] = CommandRoles.ForAny(ConsoleCommand.ChooseNotificationChannels),
        [HandleSecurityAlerts] = CommandRoles.ForAny(ConsoleCommand.AcknowledgeAlert, ConsoleCommand.AssignAlert, ConsoleCommand.CloseAlert),
        [ManageSecondFactor] = CommandRoles.ForAny(
            ConsoleCommand.StartSecondFactorEnrolment, ConsoleCommand.ConfirmSecondFactor, ConsoleCommand.RemoveSecondFactor),
    };

    /// <summary>The policy an endpoint or page that issues <paramref name="command"/> requires (the table's roles).</summary>
    public static string For(ConsoleCommand command) => command switch
    {
        ConsoleCommand.AmendRequest => CreateRequests,
        ConsoleCommand.CancelRequest => CancelRequests,
        ConsoleCommand.ApproveRequest or ConsoleCommand.RejectRequest => ApproveRequests,
        ConsoleCommand.RetryExecution => RetryExecution,
        ConsoleCommand.PinSnapshot or ConsoleCommand.UnpinSnapshot => ManageSnapshotRetention,
        ConsoleCommand.PlaceLegalHold or ConsoleCommand.ReleaseLegalHold => PlaceLegalHold,
        ConsoleCommand.MarkSnapshotNotNeeded => MarkSnapshotNotNeeded,
        // Raised by the policy or inventory edit pages, whose policies admit administrators only.
        ConsoleCommand.RevisePolicy or ConsoleCommand.SubmitGuardChange => EditPolicy,
        ConsoleCommand.RegisterTrustDomain or ConsoleCommand.ChangeTrustDomain or ConsoleCommand.RegisterEnvironment
            or ConsoleCommand.ChangeEnvironment or ConsoleCommand.RegisterVnf or ConsoleCommand.ChangeVnf => ManageInventory,
        ConsoleCommand.AcknowledgeIntegrityAlert => AcknowledgeIntegrityAlerts,
        ConsoleCommand.VerifyIntegrity or ConsoleCommand.CheckpointIntegrity or ConsoleCommand.ExportIntegrityProof => VerifyIntegrity,
        ConsoleCommand.ChangeAccountRoles or ConsoleCommand.SetAccountDisabled or ConsoleCommand.ResetSecondFactor => ManageAccounts,
        ConsoleCommand.ProposeEnrolment => ProposeEnrolments,
        ConsoleCommand.ApproveEnrolment or ConsoleCommand.RejectEnrolment or ConsoleCommand.RevokeAttestationKey => DecideEnrolments,
        ConsoleCommand.ChooseNotificationChannels => ChooseNotificationChannels,
        ConsoleCommand.AcknowledgeAlert or ConsoleCommand.AssignAlert or ConsoleCommand.CloseAlert => HandleSecurityAlerts,
        ConsoleCommand.StartSecondFactorEnrolment or ConsoleCommand.ConfirmSecondFactor or ConsoleCommand.RemoveSecondFactor => ManageSecondFactor,
        _ when CommandRoles.SubmitCommands.Contains(command) => CreateRequests,
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "This command has no policy; add it."),
    };

    public static AuthorizationBuilder AddConsolePolicies(this AuthorizationBuilder builder)
    {
        foreach (var (name, roles) in RolesFor)
        {
            builder.AddPolicy(name, p => p.RequireAuthenticatedUser().RequireRole(roles));
        }

        // Anything without an explicit policy still needs a signed-in user.
        builder.SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build());
        return builder;
    }

    public static bool Allows(string policy, System.Security.Claims.ClaimsPrincipal user) =>
        user.Identity?.IsAuthenticated == true && RolesFor[policy].Any(user.IsInRole);
}
