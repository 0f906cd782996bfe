using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Policy;

public sealed class PolicyRulesTests
{
    private static PolicyDocument WithRule(Sensitivity sensitivity, Func<SensitivityRule, SensitivityRule> change) =>
        DefaultPolicy.Document with
        {
            Sensitivities = [.. DefaultPolicy.Document.Sensitivities.Select(r => r.Sensitivity == sensitivity ? change(r) : r)],
        };

    [Fact]
    public void Validate_DefaultPolicy_HasNoErrors() => PolicyRules.Validate(DefaultPolicy.Document).ShouldBeEmpty();

    [Fact]
    public void Validate_WhenASensitivityIsMissing_SaysWhich()
    {
        var document = DefaultPolicy.Document with
        {
            Sensitivities = [.. DefaultPolicy.Document.Sensitivities.Where(r => r.Sensitivity != Sensitivity.Sensitive)],
        };

        PolicyRules.Validate(document)["Sensitivities"].ShouldContain(m => m.Contains("Sensitive"));
    }

    [Fact]
    public void Validate_WhenASensitivityAppearsTwice_Refuses()
    {
        var document = DefaultPolicy.Document with
        {
            Sensitivities = [.. DefaultPolicy.Document.Sensitivities, DefaultPolicy.Document.Sensitivities[0]],
        };

        PolicyRules.Validate(document)["Sensitivities"].ShouldContain(m => m.Contains("Public") && m.Contains("exactly one"));
    }

    [Fact]
    public void Validate_WhenRequiredIsZero_KeysTheErrorByItsPath()
    {
        var document = WithRule(Sensitivity.Sensitive, r => r with { Approvals = [r.Approvals[0] with { Required = 0 }] });

        PolicyRules.Validate(document).Keys.ShouldBe(["Sensitivities[2].Approvals[0].Required"]);
    }

    [Fact]
    public void Validate_WhenGroupNameEmptyOrTooLong_Refuses()
    {
        var document = WithRule(Sensitivity.Critical, r => r with
        {
            Approvals = [r.Approvals[0] with { Name = " " }, r.Approvals[1] with { Name = new string('x', 61) }],
        });

        var errors = PolicyRules.Validate(document);

        errors.Keys.ShouldBe(["Sensitivities[3].Approvals[0].Name", "Sensitivities[3].Approvals[1].Name"], ignoreOrder: true);
    }

    [Fact]
    public void Validate_WhenRoleUnknown_Refuses()
    {
        var document = WithRule(Sensitivity.Internal, r => r with { Approvals = [r.Approvals[0] with { Role = "Janitor" }] });

        PolicyRules.Validate(document).Keys.ShouldBe(["Sensitivities[1].Approvals[0].Role"]);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(3651 * 24)]
    public void Validate_WhenSnapshotAgeOutOfRange_Refuses(double hours)
    {
        var document = WithRule(Sensitivity.Public, r => r with { MaxSnapshotAge = TimeSpan.FromHours(hours) });

        PolicyRules.Validate(document).Keys.ShouldBe(["Sensitivities[0].MaxSnapshotAge"]);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(30 * 24 * 60 + 1)]
    public void Validate_WhenPendingTimeoutOutOfRange_Refuses(int minutes) =>
        PolicyRules.Validate(DefaultPolicy.Document with { PendingRequestTimeout = TimeSpan.FromMinutes(minutes) })
            .Keys.ShouldBe(["PendingRequestTimeout"]);

    [Fact]
    public void Validate_WhenMoreSensitiveNeedsLessTrust_Refuses()
    {
        var document = WithRule(Sensitivity.Critical, r => r with { RequiredTrustLevel = TrustLevel.Low });

        PolicyRules.Validate(document)["Sensitivities[3].RequiredTrustLevel"].ShouldHaveSingleItem().ShouldContain("Sensitive");
    }

    [Fact]
    public void Validate_WhenCrossDomainGroupInvalid_KeysItUnderCrossDomainApprovals()
    {
        var document = DefaultPolicy.Document with
        {
            CrossDomainApprovals = [new ApproverGroup("Owners", ApproverSource.TargetDomainOwners, null, 0)],
        };

        PolicyRules.Validate(document).Keys.ShouldBe(["CrossDomainApprovals[0].Required"]);
    }
}

public sealed class DefaultPolicyTests
{
    [Fact]
    public void Default_CriticalNeedsHighTrustANocApproverAndASecurityOfficerForThreeDays()
    {
        var critical = DefaultPolicy.Document.RuleFor(Sensitivity.Critical);

        critical.RequiredTrustLevel.ShouldBe(TrustLevel.High);
        critical.Approvals.ShouldBe([
            new ApproverGroup("NOC approvers", ApproverSource.Role, Roles.NocApprover, 1),
            new ApproverGroup("Security officers", ApproverSource.Role, Roles.SecurityOfficer, 1),
        ]);
        critical.MaxSnapshotAge.ShouldBe(TimeSpan.FromDays(3));
    }

    [Fact]
    public void Default_MatchesTheAgreedTable()
    {
        var d = DefaultPolicy.Document;
        d.Sensitivities.Select(r => (r.Sensitivity, r.RequiredTrustLevel, r.Approvals.Sum(a => a.Required), r.MaxSnapshotAge.TotalDays))
            .ShouldBe([
                (Sensitivity.Public, TrustLevel.Untrusted, 0, 30d),
                (Sensitivity.Internal, TrustLevel.Low, 1, 14d),
                (Sensitivity.Sensitive, TrustLevel.Medium, 2, 7d),
                (Sensitivity.Critical, TrustLevel.High, 2, 3d),
            ]);
        d.CrossDomainApprovals.ShouldBe([new ApproverGroup("Target domain owners", ApproverSource.TargetDomainOwners, null, 1)]);
        d.PendingRequestTimeout.ShouldBe(TimeSpan.FromHours(24));
        d.KeepLastGoodSnapshot.ShouldBeTrue();
    }
}
