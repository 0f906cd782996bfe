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

    public static readonly IReadOnlyDictionary<string, string[]> RolesFor = new Dictionary<string, string[]>
    {
        [ViewInventory] = [.. Roles.All],
        [ManageInventory] = [Roles.Administrator],
        [Administer] = [Roles.Administrator],
        [CreateRequests] = [Roles.NocOperator],
        [ApproveRequests] = [Roles.NocApprover, Roles.SecurityOfficer],
        [ViewRequests] = [.. Roles.All],
        [ViewPolicy] = [.. Roles.All],
        [EditPolicy] = [Roles.Administrator],
        [RetryExecution] = [Roles.NocOperator],
        [ManageSnapshotRetention] = [Roles.NocOperator, Roles.NocApprover, Roles.Administrator],
        [PlaceLegalHold] = [Roles.SecurityOfficer, Roles.Administrator],
        [ViewHistory] = [Roles.SecurityOfficer, Roles.Auditor],
        [VerifyIntegrity] = [Roles.SecurityOfficer, Roles.Auditor],
        [ViewSecurityAlerts] = [Roles.SecurityOfficer, Roles.Auditor],
        [ViewDashboards] = [Roles.Manager, Roles.SecurityOfficer, Roles.Administrator],
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
