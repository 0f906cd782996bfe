using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Approvals;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests.Approvals;

public sealed class ApprovalRulesTests
{
    private static RequestContent Migrate(Guid target, params Guid[] components) =>
        new(RequestKind.Migration, UdmId, components, DcBId, target, null, 1);

    [Fact]
    public void RequirementFor_CriticalCrossDomainMigration_NeedsNocSecurityAndTargetOwners()
    {
        var requirement = ApprovalRules.RequirementFor(Migrate(DcAId, SidfId), Facts());

        requirement.CrossesTrustDomains.ShouldBeTrue();
        requirement.Groups.ShouldBe([
            new RequiredGroup("NOC approvers", ApproverSource.Role, Roles.NocApprover, 1),
            new RequiredGroup("Security officers", ApproverSource.Role, Roles.SecurityOfficer, 1),
            new RequiredGroup("Target domain owners", ApproverSource.TargetDomainOwners, "noc-core", 1),
        ]);
        requirement.Explanation.ShouldBe(
            "Critical components: 1 NOC approver and 1 security officer; crosses from Subscriber Data into Operator Core: 1 member of noc-core");
    }

    [Fact]
    public void RequirementFor_SeveralSensitivities_TakesPerGroupTheHighestCount()
    {
        var requirement = ApprovalRules.RequirementFor(
            new RequestContent(RequestKind.Snapshot, UdmId, [SidfId, DataApiId, SbiId], DcBId, null, null, 1), Facts());

        requirement.CrossesTrustDomains.ShouldBeFalse();
        requirement.Groups.Select(g => (g.Name, g.Required)).ShouldBe([("NOC approvers", 2), ("Security officers", 1)]);
        requirement.Explanation.ShouldBe("Internal, Sensitive and Critical components: 2 NOC approvers and 1 security officer");
    }

    [Fact]
    public void RequirementFor_PublicOnlySnapshot_NeedsNothing()
    {
        var requirement = ApprovalRules.RequirementFor(
            new RequestContent(RequestKind.Snapshot, NefId, [PortalId], CloudId, null, null, 1), Facts(Nef));

        requirement.NoneNeeded.ShouldBeTrue();
        requirement.Explanation.ShouldBe("Public components: no approval needed");
    }

    [Fact]
    public void RequirementFor_MigrationWithinTheComponentsOwnDomain_DoesNotCross()
    {
        // DC B is operated by Subscriber Data, the domain of the data API itself.
        var udmInDcA = Udm with { EnvironmentId = DcAId };
        var requirement = ApprovalRules.RequirementFor(
            new RequestContent(RequestKind.Migration, UdmId, [DataApiId], DcAId, DcBId, null, 1), Facts(udmInDcA));

        requirement.CrossesTrustDomains.ShouldBeFalse();
        requirement.Groups.ShouldHaveSingleItem().Required.ShouldBe(2);
    }

    [Fact]
    public void RequirementFor_IssueExamplePolicy_NeedsTwoNocOneSecurityAndOneFromTargetOwners()
    {
        // "Critical needs 2 NOC approvers AND 1 security officer; crossing trust domains adds 1 approver from the
        // target domain's owner group."
        var example = DefaultPolicy.Document with
        {
            Sensitivities = [.. DefaultPolicy.Document.Sensitivities.Select(r => r.Sensitivity != Sensitivity.Critical ? r : r with
            {
                Approvals =
                [
                    new ApproverGroup("NOC approvers", ApproverSource.Role, Roles.NocApprover, 2),
                    new ApproverGroup("Security officers", ApproverSource.Role, Roles.SecurityOfficer, 1),
                ],
            })],
            CrossDomainApprovals = [new ApproverGroup("Target domain owners", ApproverSource.TargetDomainOwners, null, 1)],
        };

        var requirement = ApprovalRules.RequirementFor(Migrate(DcAId, SidfId), Facts(policy: PolicyAt(2, example)));

        requirement.Groups.Select(g => (g.Name, g.Designates, g.Required)).ShouldBe([
            ("NOC approvers", Roles.NocApprover, 2),
            ("Security officers", Roles.SecurityOfficer, 1),
            ("Target domain owners", "noc-core", 1),
        ]);
        requirement.Explanation.ShouldBe(
            "Critical components: 2 NOC approvers and 1 security officer; crosses from Subscriber Data into Operator Core: 1 member of noc-core");
    }

    [Fact]
    public void RequirementFor_SnapshotDeletion_JudgesTheSnapshotsComponents()
    {
        var requirement = ApprovalRules.RequirementFor(
            new RequestContent(RequestKind.SnapshotDeletion, UdmId, [SidfId], DcBId, null, SnapshotId, 1),
            Facts(snapshot: AvailableSnapshot()));

        requirement.Groups.Select(g => g.Name).ShouldBe(["NOC approvers", "Security officers"]);
    }
}
