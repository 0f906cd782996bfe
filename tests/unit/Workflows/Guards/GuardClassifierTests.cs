using Console.Workflows.Common;
using Console.Workflows.Guards;
using Console.Workflows.Guards.Classifying;
using Console.Workflows.Guards.Submitting;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.ChangingEnvironment;
using Console.Workflows.Inventory.ChangingTrustDomain;
using Console.Workflows.Inventory.ChangingVnf;
using Console.Workflows.Policy;
using Console.Workflows.Policy.Revising;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Requests.Approving;
using Shouldly;
using Xunit;
using S = Console.Testing.Workflows.Inventory.Scenarios;

namespace Console.UnitTests.Workflows.Guards;

/// <summary>
/// The pure part of four eyes on the guards: which changes weaken protection (classified from the events the change's
/// own decider emits), the floors no policy revision crosses, and the request a weakening change becomes.
/// </summary>
public sealed class GuardClassifierTests
{
    private static readonly DateTimeOffset Now = S.Now;
    private static readonly Actor AdminOfficer = new("admin-sec", "Ada Admin-Officer",
        new HashSet<string> { Roles.Administrator, Roles.SecurityOfficer });
    private static readonly Actor Officer = new("officer", "Sam Security", new HashSet<string> { Roles.SecurityOfficer });
    private static readonly Actor NocApprover = new("noc-approver", "Nina", new HashSet<string> { Roles.NocApprover });

    private static ChangeEnvironment EnvironmentChange(ExecutionEnvironment e, TrustLevel trust, AttestationStatus? status = null,
        Guid? operatorDomain = null, string? name = null) =>
        new(e.Id, e.Version, name ?? e.Name, e.Kind, e.Location, trust, status ?? e.AttestationStatus, operatorDomain);

    private static GuardVerdict ClassifyEnvironment(ExecutionEnvironment before, ChangeEnvironment change)
    {
        var decision = ChangeEnvironmentDecider.Decide(change, before, false, S.Administrator, Now,
            new HashSet<Guid> { S.CoreDomainId, S.SubscriberDomainId });
        decision.Refusal.ShouldBeNull();
        return GuardClassifier.Environment(before, decision.Events);
    }

    private static GuardVerdict ClassifyVnf(Vnf before, ChangeVnf change)
    {
        var decision = ChangeVnfDecider.Decide(change, before, S.KnownReferences(), S.Administrator, Now);
        decision.Refusal.ShouldBeNull();
        return GuardClassifier.Vnf(before, decision.Events);
    }

    private static ExecutionEnvironment MediumEnvironment => S.HighEnvironmentAtVersion2 with
    {
        TrustLevel = TrustLevel.Medium,
        AttestationStatus = AttestationStatus.Failed,
    };

    [Fact]
    public void FourEyes_Environment_RaisingTrustLevel_Weakens_LoweringIt_Strengthens()
    {
        var raised = ClassifyEnvironment(MediumEnvironment, EnvironmentChange(MediumEnvironment, TrustLevel.High));
        var lowered = ClassifyEnvironment(MediumEnvironment, EnvironmentChange(MediumEnvironment, TrustLevel.Low));

        raised.Weakens.ShouldBeTrue();
        raised.Differences.ShouldHaveSingleItem().ShouldBe(new GuardDifference("Trust level", "Medium", "High", true));
        lowered.Weakens.ShouldBeFalse();
        lowered.Differences.ShouldHaveSingleItem().ShouldBe(new GuardDifference("Trust level", "Medium", "Low", false));
    }

    [Fact]
    public void FourEyes_Environment_MarkingAttested_OrHandingToAnotherDomain_Weakens_RenamingOrFirstAssignmentDoesNot()
    {
        ClassifyEnvironment(MediumEnvironment, EnvironmentChange(MediumEnvironment, TrustLevel.Medium, AttestationStatus.Attested))
            .Weakens.ShouldBeTrue();
        var assigned = MediumEnvironment with { OperatorDomainId = S.CoreDomainId };
        ClassifyEnvironment(assigned, EnvironmentChange(assigned, TrustLevel.Medium, operatorDomain: S.SubscriberDomainId))
            .Weakens.ShouldBeTrue();

        ClassifyEnvironment(MediumEnvironment, EnvironmentChange(MediumEnvironment, TrustLevel.Medium, operatorDomain: S.CoreDomainId))
            .Weakens.ShouldBeFalse();
        var renamed = ClassifyEnvironment(MediumEnvironment, EnvironmentChange(MediumEnvironment, TrustLevel.Medium, name: "Renamed DC"));
        renamed.Weakens.ShouldBeFalse();
        renamed.Differences.ShouldHaveSingleItem().What.ShouldBe("Name");
    }

    [Fact]
    public void FourEyes_TrustDomain_AnotherOwnerGroup_Weakens_RenamingDoesNot()
    {
        var before = S.CoreDomainAtVersion1;
        GuardVerdict Classify(ChangeTrustDomain change) =>
            GuardClassifier.TrustDomain(before, ChangeTrustDomainDecider.Decide(change, before, false, S.Administrator, Now).Events);

        var owner = Classify(new ChangeTrustDomain(before.Id, 1, before.Name, "rogue-admins", before.Description));
        var renamed = Classify(new ChangeTrustDomain(before.Id, 1, "Core (renamed)", before.OwnerGroup, before.Description));

        owner.Weakens.ShouldBeTrue();
        owner.Weakening.ShouldHaveSingleItem().ShouldBe(new GuardDifference("Owner group", "noc-core", "rogue-admins", true));
        renamed.Weakens.ShouldBeFalse();
    }

    [Fact]
    public void FourEyes_Vnf_LowerSensitivity_RemovedComponent_OtherDomain_OrCorrectedPlacement_Weaken()
    {
        var amf = S.AmfAtVersion3;
        var start = ChangeVnf.From(amf);
        ChangeVnf WithStore(Func<ComponentDraft, ComponentDraft> edit) =>
            start with { Components = [.. start.Components.Select(c => c.Id == S.ContextStoreId ? edit(c) : c)] };

        ClassifyVnf(amf, WithStore(c => c with { Sensitivity = Sensitivity.Public })).Weakens.ShouldBeTrue();
        ClassifyVnf(amf, WithStore(c => c with { TrustDomainId = S.CoreDomainId })).Weakens.ShouldBeTrue();
        ClassifyVnf(amf, start with { Components = [.. start.Components.Where(c => c.Id != S.ContextStoreId)] })
            .Weakening.ShouldHaveSingleItem().After.ShouldBe("(removed)");
        ClassifyVnf(amf, start with { EnvironmentId = S.EdgeEnvironmentId }).Weakens.ShouldBeTrue();
    }

    [Fact]
    public void FourEyes_Vnf_HigherSensitivity_AddedComponent_OrNewVersion_Strengthen()
    {
        var amf = S.AmfAtVersion3;
        var start = ChangeVnf.From(amf);

        var raised = ClassifyVnf(amf, start with
        {
            Components = [.. start.Components.Select(c => c.Id == S.ContextStoreId ? c with { Sensitivity = Sensitivity.Critical } : c)],
        });
        var added = ClassifyVnf(amf, start with
        {
            Components = [.. start.Components, new ComponentDraft(Guid.NewGuid(), "nas-security", Sensitivity.Critical, S.CoreDomainId)],
        });
        var upgraded = ClassifyVnf(amf, start with { SoftwareVersion = "1.15.0" });

        raised.Weakens.ShouldBeFalse();
        raised.Differences.ShouldHaveSingleItem().ShouldBe(new GuardDifference("Sensitivity of ue-context-store", "Sensitive", "Critical", false));
        added.Weakens.ShouldBeFalse();
        upgraded.Weakens.ShouldBeFalse();
    }

    public static TheoryData<string, Func<PolicyDocument, PolicyDocument>> WeakerPolicies => new()
    {
        { "fewer NOC approvers for Sensitive", d => WithRule(d, Sensitivity.Sensitive, r => r with { Approvals = [r.Approvals[0] with { Required = 1 }] }) },
        { "role removed from Critical", d => WithRule(d, Sensitivity.Critical, r => r with { Approvals = [.. r.Approvals.Where(g => g.Role != Roles.NocApprover)] }) },
        { "lower trust for Sensitive", d => WithRule(d, Sensitivity.Sensitive, r => r with { RequiredTrustLevel = TrustLevel.Low }) },
        { "longer snapshot age", d => WithRule(d, Sensitivity.Internal, r => r with { MaxSnapshotAge = TimeSpan.FromDays(90) }) },
        { "group gets another role", d => WithRule(d, Sensitivity.Internal, r => r with { Approvals = [r.Approvals[0] with { Role = Roles.Auditor }] }) },
        { "no cross-domain approval", d => d with { CrossDomainApprovals = [] } },
        { "longer pending timeout", d => d with { PendingRequestTimeout = TimeSpan.FromDays(7) } },
        { "last good snapshot not kept", d => d with { KeepLastGoodSnapshot = false } },
    };

    [Theory]
    [MemberData(nameof(WeakerPolicies))]
    public void FourEyes_Policy_WeakerRevision_IsClassifiedWeakening(string what, Func<PolicyDocument, PolicyDocument> weaken)
    {
        var verdict = GuardClassifier.Policy(DefaultPolicy.Document, weaken(DefaultPolicy.Document));

        verdict.Weakens.ShouldBeTrue(what);
        verdict.Weakening.ShouldNotBeEmpty();
    }

    [Fact]
    public void FourEyes_Policy_StricterRevision_IsNotWeakening()
    {
        var stricter = WithRule(DefaultPolicy.Document, Sensitivity.Public, r => r with
        {
            RequiredTrustLevel = TrustLevel.Low,
            Approvals = [new ApproverGroup(DefaultPolicy.NocApprovers, ApproverSource.Role, Roles.NocApprover, 1)],
            MaxSnapshotAge = TimeSpan.FromDays(7),
        }) with { PendingRequestTimeout = TimeSpan.FromHours(8) };

        var verdict = GuardClassifier.Policy(DefaultPolicy.Document, stricter);

        verdict.Weakens.ShouldBeFalse();
        verdict.Differences.Count.ShouldBe(4);
    }

    [Fact]
    public void FourEyes_Floors_CriticalWithoutSecurityOfficerOrBelowHighTrust_IsRefusedOutrightWithTheFloorMessage()
    {
        var open = WithRule(DefaultPolicy.Document, Sensitivity.Critical, r => r with
        {
            RequiredTrustLevel = TrustLevel.Untrusted,
            Approvals = [],
        });
        // Lower rules must not demand more than Critical, or the ordering rule would refuse first.
        open = open with
        {
            Sensitivities = [.. open.Sensitivities.Select(r => r with { RequiredTrustLevel = TrustLevel.Untrusted })],
        };
        var current = new ApprovalPolicy(ApprovalPolicy.StreamId, 4, DefaultPolicy.Document, "admin", Now) { Version = 4 };

        var refusal = RevisePolicyDecider.Decide(new RevisePolicy(4, open, "Speed up Critical work"), current, S.Administrator, Now)
            .Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Invalid);
        refusal.Message.ShouldBe(PolicyFloors.Message);
        refusal.FieldErrors["Sensitivities[3].RequiredTrustLevel"].ShouldBe(["Critical components always need trust level High."]);
        refusal.FieldErrors["Sensitivities[3].Approvals"].ShouldBe(["Critical components always need the approval of at least 1 security officer."]);
    }

    [Fact]
    public void FourEyes_Floors_KeepingASecurityOfficerAndHighTrustForCritical_Passes()
    {
        var onlyOfficer = WithRule(DefaultPolicy.Document, Sensitivity.Critical, r => r with
        {
            Approvals = [new ApproverGroup(DefaultPolicy.SecurityOfficers, ApproverSource.Role, Roles.SecurityOfficer, 1)],
        });

        PolicyFloors.Check(onlyOfficer).ShouldBeNull();
        PolicyFloors.Check(DefaultPolicy.Document).ShouldBeNull();
    }

    [Fact]
    public void FourEyes_Floors_ARollBackNeedsASecurityOfficer_EvenWhenThePolicyAsksNothingForItsComponents()
    {
        var lax = WithRule(DefaultPolicy.Document, Sensitivity.Sensitive, r => r with { Approvals = [] });
        lax = WithRule(lax, Sensitivity.Internal, r => r with { Approvals = [] });
        PolicyFloors.Check(lax).ShouldBeNull();
        var udm = Requests.Scenarios.Udm;
        var content = new RequestContent(RequestKind.Restore, udm.Id, [Requests.Scenarios.DataApiId, Requests.Scenarios.SbiId],
            udm.EnvironmentId, null, Requests.Scenarios.SnapshotId, 5);

        var requirement = ApprovalRules.RequirementFor(content, Requests.Scenarios.Facts(policy: Requests.Scenarios.PolicyAt(5, lax)));

        requirement.Groups.ShouldContain(g => g.Source == ApproverSource.Role && g.Designates == Roles.SecurityOfficer && g.Required >= 1);
    }

    private static GuardChange RaiseTrust(out ChangeEnvironment command)
    {
        command = EnvironmentChange(MediumEnvironment, TrustLevel.High);
        return GuardChange.For(command, MediumEnvironment.Name, ClassifyEnvironment(MediumEnvironment, command));
    }

    private static ApprovalPolicy Policy => new(ApprovalPolicy.StreamId, 2, DefaultPolicy.Document, "admin", Now) { Version = 2 };

    [Fact]
    public void FourEyes_SubmitGuardChange_ByAdministrator_PendsForOneSecurityOfficer_BoundToTheChange()
    {
        var change = RaiseTrust(out var command);
        var requestId = Guid.NewGuid();

        var submitted = SubmitGuardChangeDecider.Decide(change, requestId, Policy, AdminOfficer, Now)
            .Events.ShouldHaveSingleItem().ShouldBeOfType<RequestSubmitted>();

        submitted.Content.Kind.ShouldBe(RequestKind.GuardChange);
        submitted.Content.Guard.ShouldNotBeNull().Environment.ShouldBe(command);
        submitted.Requirement.Groups.ShouldHaveSingleItem().ShouldBe(
            new RequiredGroup(DefaultPolicy.SecurityOfficers, ApproverSource.Role, Roles.SecurityOfficer, 1));
        submitted.ExpiresAt.ShouldBe(Now + DefaultPolicy.Document.PendingRequestTimeout);
        submitted.Justification.ShouldContain("Trust level: Medium → High");
        submitted.ContentDigest.ShouldBe(ContentDigest.Of(submitted.Content, submitted.Justification, submitted.Window));
        ContentDigest.Of(submitted.Content with { Guard = change with { BaseVersion = 9 } }, submitted.Justification, submitted.Window).ShouldNotBe(submitted.ContentDigest);
    }

    [Fact]
    public void FourEyes_SubmitGuardChange_ByNonAdministrator_IsForbidden()
    {
        var refusal = SubmitGuardChangeDecider.Decide(RaiseTrust(out _), Guid.NewGuid(), Policy, Officer, Now).Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Forbidden);
        refusal.Message.ShouldBe(CommandRoles.RefusalMessage(ConsoleCommand.SubmitGuardChange));
    }

    [Fact]
    public void FourEyes_GuardChange_TheRequesterCannotApprove_EvenAsSecurityOfficer_NorCanANocApprover_ButAnotherOfficerCan()
    {
        var requestId = Guid.NewGuid();
        var request = ChangeRequest.Create(SubmitGuardChangeDecider.Decide(RaiseTrust(out _), requestId, Policy, AdminOfficer, Now)
            .Events.OfType<RequestSubmitted>().Single());
        var approve = new ApproveRequest(requestId, request.Version, request.ContentDigest, null);

        var self = ApproveRequestDecider.Decide(approve, request, AdminOfficer, Now.AddMinutes(1), global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Refusal.ShouldNotBeNull();
        var noc = ApproveRequestDecider.Decide(approve, request, NocApprover, Now.AddMinutes(1), global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp).Refusal.ShouldNotBeNull();
        var officer = ApproveRequestDecider.Decide(approve, request, Officer, Now.AddMinutes(1), global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp);

        (self.Kind, self.Message).ShouldBe((RefusalKind.Forbidden, "You requested this change; someone else must approve it."));
        noc.Kind.ShouldBe(RefusalKind.Forbidden);
        noc.Message.ShouldBe("Your approval cannot fill any group this request still needs: it needs 1 security officer.");
        officer.Events.OfType<RequestApproved>().ShouldHaveSingleItem();
    }

    [Fact]
    public void FourEyes_AnOperatorCannotRaiseAGuardChangeThroughTheOrdinaryRequestForm()
    {
        var command = new SubmitRequest(RequestKind.GuardChange, Requests.Scenarios.UdmId, [], null, null,
            "Raise the trust of the public cloud, please.", null);

        var byOperator = Console.Workflows.Requests.Submitting.SubmitRequestDecider.Decide(
            command, Guid.NewGuid(), Requests.Scenarios.Facts(), Requests.Scenarios.Operator, Now).Refusal.ShouldNotBeNull();
        var refusal = Console.Workflows.Requests.Submitting.SubmitRequestDecider.Decide(
            command, Guid.NewGuid(), Requests.Scenarios.Facts(), Requests.Scenarios.Administrator, Now).Refusal.ShouldNotBeNull();

        // The role table refuses the operator first; even an administrator cannot use the ordinary form for it.
        byOperator.Kind.ShouldBe(RefusalKind.Forbidden);
        byOperator.Message.ShouldBe(CommandRoles.RefusalMessage(ConsoleCommand.SubmitGuardChange));
        refusal.Kind.ShouldBe(RefusalKind.Invalid);
        refusal.FieldErrors["Kind"].ShouldBe(
            ["Choose a snapshot, a migration, a snapshot deletion, a restore, or pause, resume, stop, start or restart."]);
    }

    private static PolicyDocument WithRule(PolicyDocument d, Sensitivity s, Func<SensitivityRule, SensitivityRule> edit) =>
        d with { Sensitivities = [.. d.Sensitivities.Select(r => r.Sensitivity == s ? edit(r) : r)] };

    [Theory]
    [InlineData(new[] { Roles.NocOperator, Roles.NocApprover }, true)]
    [InlineData(new[] { Roles.NocOperator, Roles.SecurityOfficer }, true)]
    [InlineData(new[] { Roles.NocOperator, Roles.Administrator }, true)]
    [InlineData(new[] { Roles.NocOperator, Roles.Auditor, Roles.Manager }, false)]
    [InlineData(new[] { Roles.Auditor }, false)]
    public void AccountRoles_GrantingARoleThatApprovesOrAdministers_Weakens_ReadingRolesAndRemovalsDoNot(string[] roles, bool weakens)
    {
        var olga = new Console.Workflows.Accounts.UserAccount(
            Console.Workflows.Accounts.UserAccount.IdFor("olga"), "olga", "Olga", [Roles.NocOperator], [], false, "d", Now) { Version = 1 };
        var decision = Console.Workflows.Accounts.ChangingRoles.ChangeAccountRolesDecider.Decide(
            new Console.Workflows.Accounts.ChangeAccountRoles("olga", 1, roles, "Rota"), olga, S.Administrator, Now);

        var verdict = GuardClassifier.AccountRoles(olga, decision.Events);

        verdict.Weakens.ShouldBe(weakens);
        verdict.Differences.ShouldHaveSingleItem().Before.ShouldBe("NocOperator");
    }
}
