using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Approving;
using Console.Workflows.Requests.Submitting;
using Console.Workflows.Snapshots;
using Shouldly;

namespace Console.UnitTests.Workflows.Requests;

/// <summary>
/// People, places and requests the request tests share: a UDM in Frankfurt DC B (operated by Subscriber Data) whose
/// SIDF is Critical, a Public-only NEF in the cloud, and the default policy at revision 1.
/// </summary>
internal static class Scenarios
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    /// <summary>
    /// What the approve and reject handlers hand their deciders once they verified a step-up proof: the decider tests
    /// that are not about step-up decide as a person who gave a valid code (StepUpRulesTests cover the verification).
    /// </summary>
    public static readonly StepUpVerdict SteppedUp = StepUpVerdict.Accept(new ApproverAuthentication(StepUpMethods.Totp, Now));

    public static Actor Person(string id, string[] roles, params string[] groups) =>
        new(id, id, roles.ToHashSet()) { Groups = groups.ToHashSet() };

    public static readonly Actor Operator = Person("operator", [Roles.NocOperator], "noc-operations");
    public static readonly Actor Operator2 = Person("operator2", [Roles.NocOperator], "noc-operations");
    public static readonly Actor Approver = Person("approver", [Roles.NocApprover], "noc-core");
    public static readonly Actor Approver2 = Person("approver2", [Roles.NocApprover], "noc-core", "noc-interconnect");
    public static readonly Actor Approver3 = Person("approver3", [Roles.NocApprover]);
    public static readonly Actor Security = Person("security", [Roles.SecurityOfficer], "sec-subscriber-data", "sec-li");
    public static readonly Actor NocAndSecurity = Person("dual", [Roles.NocApprover, Roles.SecurityOfficer]);
    public static readonly Actor CoreOwner = Person("core-owner", [Roles.Auditor], "noc-core");
    public static readonly Actor Administrator = Person("admin", [Roles.Administrator], "platform-admins");
    public static readonly Actor Auditor = Person("auditor", [Roles.Auditor], "compliance");

    public static readonly Guid CoreDomainId = Guid.Parse("d0000000-0000-4000-8000-000000000001");
    public static readonly Guid SubscriberDomainId = Guid.Parse("d0000000-0000-4000-8000-000000000002");
    public static readonly Guid DcAId = Guid.Parse("e0000000-0000-4000-8000-00000000000a");
    public static readonly Guid DcBId = Guid.Parse("e0000000-0000-4000-8000-00000000000b");
    public static readonly Guid MunichId = Guid.Parse("e0000000-0000-4000-8000-00000000000c");
    public static readonly Guid CloudId = Guid.Parse("e0000000-0000-4000-8000-00000000000d");
    public static readonly Guid UdmId = Guid.Parse("f0000000-0000-4000-8000-000000000001");
    public static readonly Guid NefId = Guid.Parse("f0000000-0000-4000-8000-000000000002");
    public static readonly Guid SidfId = Guid.Parse("c0000000-0000-4000-8000-000000000001");
    public static readonly Guid DataApiId = Guid.Parse("c0000000-0000-4000-8000-000000000002");
    public static readonly Guid SbiId = Guid.Parse("c0000000-0000-4000-8000-000000000003");
    public static readonly Guid PortalId = Guid.Parse("c0000000-0000-4000-8000-000000000004");
    public static readonly Guid RequestId = Guid.Parse("a0000000-0000-4000-8000-000000000001");
    public static readonly Guid SnapshotId = Guid.Parse("5a000000-0000-4000-8000-000000000001");

    public static readonly TrustDomain Core = new(CoreDomainId, "Operator Core", "noc-core", "Control plane");
    public static readonly TrustDomain Subscriber = new(SubscriberDomainId, "Subscriber Data", "sec-subscriber-data", "Identities");

    public static ExecutionEnvironment Environment(Guid id, string name, TrustLevel trust, Guid operatorDomain) =>
        new(id, name, EnvironmentKind.CoreDataCentre, "DE", trust, AttestationStatus.Attested, Now.AddHours(-1))
        {
            OperatorDomainId = operatorDomain,
        };

    public static readonly ExecutionEnvironment DcA = Environment(DcAId, "Frankfurt Core DC A", TrustLevel.High, CoreDomainId);
    public static readonly ExecutionEnvironment DcB = Environment(DcBId, "Frankfurt Core DC B", TrustLevel.High, SubscriberDomainId);
    public static readonly ExecutionEnvironment Munich = Environment(MunichId, "Munich Regional Cluster", TrustLevel.Medium, CoreDomainId);
    public static readonly ExecutionEnvironment Cloud = Environment(CloudId, "Public Cloud", TrustLevel.Untrusted, CoreDomainId);

    public static readonly VnfComponent Sidf = new(SidfId, "suci-deconcealment (SIDF)", Sensitivity.Critical, SubscriberDomainId);
    public static readonly VnfComponent DataApi = new(DataApiId, "subscription-data-api", Sensitivity.Sensitive, SubscriberDomainId);
    public static readonly VnfComponent Sbi = new(SbiId, "sbi-gateway", Sensitivity.Internal, CoreDomainId);

    public static readonly Vnf Udm = new(UdmId, "udm-fra-02", VnfType.UDM, "Nokia", "23.5.1", DcBId, [Sidf, DataApi, Sbi]) { Version = 4 };

    public static readonly Vnf Nef = new(NefId, "nef-cloud-burst-01", VnfType.NEF, "Open5GS", "2.7.2", CloudId,
        [new VnfComponent(PortalId, "developer-portal", Sensitivity.Public, CoreDomainId)]) { Version = 2 };

    public static ApprovalPolicy PolicyAt(int revision, PolicyDocument? document = null) =>
        new(ApprovalPolicy.StreamId, revision, document ?? DefaultPolicy.Document, "system:seed", Now.AddDays(-10)) { Version = revision };

    public static SubmissionFacts Facts(Vnf? vnf = null, ApprovalPolicy? policy = null, Snapshot? snapshot = null) =>
        new(vnf ?? Udm,
            new[] { DcA, DcB, Munich, Cloud }.ToDictionary(e => e.Id),
            new[] { Core, Subscriber }.ToDictionary(d => d.Id),
            policy ?? PolicyAt(1),
            snapshot);

    public static Snapshot AvailableSnapshot(Guid? vnfId = null) =>
        new(SnapshotId, vnfId ?? UdmId, "udm-fra-02",
            [new SnapshotComponent(SidfId, Sidf.Name, Sensitivity.Critical, SubscriberDomainId)],
            Guid.NewGuid(), DcBId, "sim://snapshots/1", "abc", 1024, "operator", ["approver", "security"], Now.AddDays(-1),
            SnapshotStatus.Available, null);

    public const string Justification = "Planned hardware refresh of DC B racks 14-16.";

    public static SubmitRequest MigrateSidfToDcA => new(
        RequestKind.Migration, UdmId, [SidfId], DcAId, null, Justification, null);

    public static SubmitRequest SnapshotNef => new(
        RequestKind.Snapshot, NefId, [], null, null, Justification, null);

    /// <summary>Applies events the way Marten rebuilds the stream: Create, then Apply, each bumping the version.</summary>
    public static ChangeRequest? Fold(ChangeRequest? state, IEnumerable<object> events)
    {
        foreach (var e in events)
        {
            var next = (state, e) switch
            {
                (null, RequestSubmitted s) => ChangeRequest.Create(s),
                (null, _) => throw new InvalidOperationException($"A request stream must start with RequestSubmitted, not {e.GetType().Name}."),
                (_, RequestAmended x) => state.Apply(x),
                (_, ApprovalGranted x) => state.Apply(x),
                (_, RequestApproved x) => state.Apply(x),
                (_, RequestRejected x) => state.Apply(x),
                (_, RequestCancelled x) => state.Apply(x),
                (_, RequestExpired x) => state.Apply(x),
                (_, ExecutionStarted x) => state.Apply(x),
                (_, TargetAttestationChecked x) => state.Apply(x),
                (_, ExecutionCompleted x) => state.Apply(x),
                (_, ExecutionFailed x) => state.Apply(x),
                (_, ExecutionRetryRequested x) => state.Apply(x),
                (_, ExecutionWindowMissed x) => state.Apply(x),
                _ => throw new InvalidOperationException($"No Apply for {e.GetType().Name}."),
            };
            state = next with { Version = (state?.Version ?? 0) + 1 };
        }

        return state;
    }

    public static ChangeRequest Accepted(Decision decision, ChangeRequest? state = null)
    {
        decision.Refusal.ShouldBeNull(decision.Refusal?.Message);
        return Fold(state, decision.Events)!;
    }

    public static ChangeRequest Submitted(SubmitRequest command, SubmissionFacts? facts = null, Actor? by = null) =>
        Accepted(SubmitRequestDecider.Decide(command, RequestId, facts ?? Facts(command.VnfId == NefId ? Nef : Udm), by ?? Operator, Now));

    /// <summary>The SIDF of udm-fra-02 to DC A: Critical and crossing from Subscriber Data into Operator Core.</summary>
    public static ChangeRequest WithPendingCriticalMigration() => Submitted(MigrateSidfToDcA);

    public static ChangeRequest ApprovedBy(ChangeRequest state, params Actor[] approvers) =>
        approvers.Aggregate(state, (s, a) =>
            Accepted(ApproveRequestDecider.Decide(new ApproveRequest(s.Id, s.Version, s.ContentDigest, null), s, a, Now.AddMinutes(5), SteppedUp), s));

    public static ChangeRequest WithApprovedCriticalMigration() =>
        ApprovedBy(WithPendingCriticalMigration(), Approver, Security, Approver2);
}
