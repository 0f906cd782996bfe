using Console.Workflows.Common;
using Console.Workflows.Inventory;

namespace Console.Workflows.Policy;

/// <summary>The policy in force until an administrator revises it (revision 1, seeded at first start).</summary>
public static class DefaultPolicy
{
    public const string NocApprovers = "NOC approvers";
    public const string SecurityOfficers = "Security officers";
    public const string TargetDomainOwners = "Target domain owners";

    public static PolicyDocument Document { get; } = new(
        Sensitivities:
        [
            new(Sensitivity.Public, TrustLevel.Untrusted, [], TimeSpan.FromDays(30)),
            new(Sensitivity.Internal, TrustLevel.Low, [NocApprover(1)], TimeSpan.FromDays(14)),
            new(Sensitivity.Sensitive, TrustLevel.Medium, [NocApprover(2)], TimeSpan.FromDays(7)),
            new(Sensitivity.Critical, TrustLevel.High,
                [NocApprover(1), new ApproverGroup(SecurityOfficers, ApproverSource.Role, Roles.SecurityOfficer, 1)],
                TimeSpan.FromDays(3)),
        ],
        CrossDomainApprovals: [new ApproverGroup(TargetDomainOwners, ApproverSource.TargetDomainOwners, null, 1)],
        PendingRequestTimeout: TimeSpan.FromHours(24),
        KeepLastGoodSnapshot: true);

    private static ApproverGroup NocApprover(int required) => new(NocApprovers, ApproverSource.Role, Roles.NocApprover, required);
}
