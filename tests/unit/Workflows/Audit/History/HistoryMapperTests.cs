using System.Reflection;
using Console.Workflows.Audit.Access;
using Console.Workflows.Audit.History;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Snapshots;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Audit.History;

/// <summary>
/// Given the events of a small world in store order, when each is read into a history row, then the row names who,
/// when and what it concerned, taking from earlier events what a later one does not carry.
/// </summary>
public sealed class HistoryMapperTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Core = NameBasedGuid.From("domain:core");
    private static readonly Guid Partner = NameBasedGuid.From("domain:partner");
    private static readonly Guid DcA = NameBasedGuid.From("env:dc-a");
    private static readonly Guid PartnerDc = NameBasedGuid.From("env:partner-dc");
    private static readonly Guid Amf = NameBasedGuid.From("vnf:amf");
    private static readonly Guid N2 = NameBasedGuid.From("component:n2");
    private static readonly Guid Store = NameBasedGuid.From("component:store");
    private static readonly Guid Lawful = NameBasedGuid.From("component:lawful");
    private static readonly Guid Request = NameBasedGuid.From("request:1");

    private readonly HistorySubjectBook _book = new();
    private long _seq;

    private HistoryEntry Read(object data, DateTimeOffset? storedAt = null) =>
        HistoryMapper.Map(new StoredEvent(++_seq, storedAt ?? T0.AddSeconds(_seq), Guid.NewGuid(), 1, data), _book);

    private void GivenTheInventory()
    {
        Read(new TrustDomainRegistered(Core, "Operator Core", "noc-core", "Control plane", "admin", T0));
        Read(new TrustDomainRegistered(Partner, "Partner Cloud", "partner-owners", "Hosted", "admin", T0));
        Read(new EnvironmentRegistered(DcA, "DC A", EnvironmentKind.CoreDataCentre, "Frankfurt", TrustLevel.High, "admin", T0));
        Read(new EnvironmentOperatorDomainAssigned(DcA, Core, "admin", T0));
        Read(new EnvironmentRegistered(PartnerDc, "Partner DC", EnvironmentKind.PublicCloud, "Dublin", TrustLevel.High, "admin", T0));
        Read(new EnvironmentOperatorDomainAssigned(PartnerDc, Partner, "admin", T0));
        Read(new VnfRegistered(Amf, "amf-1", VnfType.AMF, "Ericsson", "1.14", DcA, "admin", T0));
        Read(new VnfComponentAdded(Amf, N2, "n2", Sensitivity.Internal, Core, "admin", T0));
        Read(new VnfComponentAdded(Amf, Store, "store", Sensitivity.Sensitive, Core, "admin", T0));
    }

    private HistoryEntry GivenAMigrationOfTheStoreToThePartner() =>
        Read(new RequestSubmitted(
            Request, new RequestContent(RequestKind.Migration, Amf, [Store], DcA, PartnerDc, null, 1), "digest", "amf-1",
            "Move for the DC A power works.", null, new ApprovalRequirement([], true, "Needs 2 NOC approvers and 1 partner owner"),
            "olga", "Olga Operator", T0.AddMinutes(1), T0.AddDays(1)));

    [Fact]
    public void Map_RequestSubmitted_NamesTheRequesterVnfTheComponentsDomainsBothOperatorsAndBothEnvironments()
    {
        GivenTheInventory();

        var row = GivenAMigrationOfTheStoreToThePartner();

        row.EventType.ShouldBe(nameof(RequestSubmitted));
        row.Category.ShouldBe(HistoryCategory.Request);
        row.At.ShouldBe(T0.AddMinutes(1));
        (row.ActorId, row.ActorName).ShouldBe(("olga", "Olga Operator"));
        (row.RequestId, row.VnfId, row.VnfName).ShouldBe((Request, Amf, "amf-1"));
        row.TrustDomainIds.ShouldBe([Core, Partner], ignoreOrder: true);
        row.EnvironmentIds.ShouldBe([DcA, PartnerDc], ignoreOrder: true);
        row.Summary.ShouldBe("Requested a migration (1 component) of amf-1 to Partner DC. Needs 2 NOC approvers and 1 partner owner");
        row.Details.ShouldBe("Move for the DC A power works.");
    }

    [Fact]
    public void Map_ApprovalGranted_TakesVnfDomainsAndEnvironmentsFromItsRequest()
    {
        GivenTheInventory();
        var submitted = GivenAMigrationOfTheStoreToThePartner();

        var row = Read(new ApprovalGranted(Request, "arjun", "Arjun Approver", "NOC approvers", "digest", "Fine by me.", T0.AddMinutes(5)));

        row.Category.ShouldBe(HistoryCategory.Approval);
        (row.ActorId, row.ActorName, row.At).ShouldBe(("arjun", "Arjun Approver", T0.AddMinutes(5)));
        (row.RequestId, row.VnfId, row.VnfName).ShouldBe((Request, Amf, "amf-1"));
        row.TrustDomainIds.ShouldBe(submitted.TrustDomainIds);
        row.EnvironmentIds.ShouldBe(submitted.EnvironmentIds);
        row.Summary.ShouldBe("Approved for NOC approvers.");
        row.Details.ShouldBe("Fine by me.");
    }

    [Fact]
    public void StepUp_History_SaysHowTheApproverAndTheRejectingPersonAuthenticated()
    {
        GivenTheInventory();
        GivenAMigrationOfTheStoreToThePartner();

        var approved = Read(new ApprovalGranted(Request, "arjun", "Arjun Approver", "NOC approvers", "digest", null, T0.AddMinutes(5))
        {
            AuthenticationMethod = Console.Workflows.Accounts.SteppingUp.StepUpMethods.Totp, AuthenticatedAt = T0.AddMinutes(5),
        });
        var rejected = Read(new RequestRejected(Request, "sam", "Sam Security", "Not now.", T0.AddMinutes(6))
        {
            AuthenticationMethod = Console.Workflows.Accounts.SteppingUp.StepUpMethods.FreshSignIn, AuthenticatedAt = T0.AddMinutes(2),
        });

        approved.Summary.ShouldBe($"Approved for NOC approvers (authenticated by authenticator code at {T0.AddMinutes(5).UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC).");
        rejected.Summary.ShouldBe($"Rejected: Not now. (authenticated by fresh sign-in at {T0.AddMinutes(2).UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC)");
        var enrolled = Read(new Console.Workflows.Accounts.SecondFactorEnrolled(Guid.NewGuid(), "arjun", ["h1", "h2"], 7, "arjun", T0));
        (enrolled.Category, enrolled.ActorId).ShouldBe((HistoryCategory.Access, "arjun"));
        enrolled.Summary.ShouldBe("arjun confirmed an authenticator app as second factor and received 2 recovery codes.");
    }

    [Fact]
    public void Map_ExecutionSteps_AreFiledUnderTheRequestAsTheWorkflowsOwn()
    {
        GivenTheInventory();
        GivenAMigrationOfTheStoreToThePartner();

        var attestation = Read(new TargetAttestationChecked(Request, PartnerDc, false, "Evidence is 9 minutes old.", "system:execution", T0));
        var failed = Read(new ExecutionFailed(Request, 1, "Target attestation failed.", "system:execution", T0));

        attestation.Category.ShouldBe(HistoryCategory.Execution);
        attestation.ActorId.ShouldBe("system:execution");
        attestation.Summary.ShouldBe("Attestation of Partner DC failed: Evidence is 9 minutes old.");
        attestation.VnfId.ShouldBe(Amf);
        failed.Summary.ShouldBe("Attempt 1 failed: Target attestation failed.");
        failed.RequestId.ShouldBe(Request);
    }

    [Fact]
    public void Map_ComponentsMoved_RecordsBothEnvironmentsAndLaterEventsSeeTheNewPlacement()
    {
        GivenTheInventory();

        var moved = Read(new ComponentsMoved(Amf, [Store], DcA, PartnerDc, "Migration completed.", "system:execution", T0));
        var later = Read(new VnfDetailsChanged(Amf, "amf-1b", VnfType.AMF, "Ericsson", "1.15", "admin", T0));

        moved.EnvironmentIds.ShouldBe([DcA, PartnerDc], ignoreOrder: true);
        moved.Summary.ShouldBe("1 component of amf-1 moved from DC A to Partner DC.");
        moved.Details.ShouldBe("Migration completed.");
        later.VnfName.ShouldBe("amf-1b");
        later.EnvironmentIds.ShouldBe([DcA, PartnerDc], ignoreOrder: true, "the VNF runs in DC A, its store in the partner DC");
    }

    [Fact]
    public void Map_PartialMigrationSealedAndCommitted_NamesTheMovedComponentsAndTheFencedOldCopies()
    {
        GivenTheInventory();
        var (operation, source, target) = (Guid.NewGuid(), NameBasedGuid.From("instance:1"), NameBasedGuid.From("instance:2"));

        var sealedRow = Read(new Console.Workflows.Continuity.StateSealed(
            Amf, operation, 1, source, PartnerDc, "sha256:d", "sk-partner", "system:continuity", T0, [Store]));
        var committed = Read(new Console.Workflows.Continuity.MigrationCommitted(
            Amf, operation, 1, 2, source, target, PartnerDc, "system:continuity", T0, [Store]));
        var whole = Read(new Console.Workflows.Continuity.MigrationCommitted(
            Amf, Guid.NewGuid(), 2, 3, target, source, PartnerDc, "system:continuity", T0));

        sealedRow.Summary.ShouldBe("State of component store of amf-1 sealed under epoch 1 for migration to Partner DC, encrypted to key sk-partner.");
        committed.Summary.ShouldBe(
            $"Migration of component store of amf-1 to Partner DC committed: epoch 1 → 2; instance {Short(target)} holds the lease, instance {Short(source)} is fenced with the moved components' old copies.");
        whole.Summary.ShouldStartWith("Migration of amf-1 committed: epoch 2 → 3;");

        static string Short(Guid id) => id.ToString("D")[..8];
    }

    [Fact]
    public void Map_ComponentAddedInAnotherDomain_AddsThatDomainToTheVnfsLaterEvents()
    {
        GivenTheInventory();

        var added = Read(new VnfComponentAdded(Amf, Lawful, "lawful-intercept", Sensitivity.Critical, Partner, "admin", T0));
        var removed = Read(new VnfComponentRemoved(Amf, Lawful, "lawful-intercept", "admin", T0));
        var after = Read(new VnfDetailsChanged(Amf, "amf-1", VnfType.AMF, "Ericsson", "1.15", "admin", T0));

        added.TrustDomainIds.ShouldBe([Core, Partner], ignoreOrder: true);
        added.Summary.ShouldBe("Component lawful-intercept (Critical, trust domain Partner Cloud) added to amf-1.");
        removed.TrustDomainIds.ShouldContain(Partner, "the removal concerns the removed component's domain");
        after.TrustDomainIds.ShouldBe([Core]);
    }

    [Fact]
    public void Map_SnapshotDeleted_TakesTheSnapshotsVnfDomainsAndEnvironment()
    {
        GivenTheInventory();
        var snapshot = NameBasedGuid.From("snapshot:1");
        Read(new SnapshotTaken(snapshot, Amf, "amf-1", [new SnapshotComponent(Store, "store", Sensitivity.Sensitive, Core)], Request, DcA,
            "s3://snapshots/1", "sha256:ab", 3L << 30, "olga", ["arjun"], "system:execution", T0));

        var deleted = Read(new SnapshotDeleted(snapshot, NameBasedGuid.From("request:2"), "Superseded.", "system:execution", T0));

        deleted.Category.ShouldBe(HistoryCategory.Snapshot);
        (deleted.VnfId, deleted.VnfName).ShouldBe((Amf, "amf-1"));
        deleted.TrustDomainIds.ShouldBe([Core]);
        deleted.EnvironmentIds.ShouldBe([DcA]);
        deleted.RequestId.ShouldBe(NameBasedGuid.From("request:2"));
        deleted.Summary.ShouldBe("Snapshot of amf-1 deleted: Superseded.");
    }

    [Fact]
    public void Map_AccessRefusedOnAnApiPath_FilesItUnderTheRequestThePathNames()
    {
        GivenTheInventory();
        GivenAMigrationOfTheStoreToThePartner();

        var row = Read(new AccessRefused("olga", $"POST /api/requests/{Request}/approve", $"/api/requests/{Request}/approve",
            "Needs ApproveRequests (NocApprover or SecurityOfficer); holds NocOperator.", T0) { DisplayName = "Olga Operator" });

        row.Category.ShouldBe(HistoryCategory.Access);
        (row.ActorId, row.ActorName).ShouldBe(("olga", "Olga Operator"));
        (row.RequestId, row.VnfId).ShouldBe((Request, Amf));
        row.TrustDomainIds.ShouldBe([Core, Partner], ignoreOrder: true);
        row.Summary.ShouldBe($"Refused POST /api/requests/{Request}/approve: Needs ApproveRequests (NocApprover or SecurityOfficer); holds NocOperator.");
    }

    [Fact]
    public void Map_AccessRefusedOfAPlacement_NamesTheVnfAndTheTargetEnvironment()
    {
        GivenTheInventory();

        var row = Read(new AccessRefused("olga", "SubmitRequest", $"{AccessResources.Vnf(Amf)}/{AccessResources.Environment(PartnerDc)}",
            "store is Sensitive and needs trust level Medium or higher.", T0));

        (row.VnfId, row.RequestId).ShouldBe((Amf, null));
        row.EnvironmentIds.ShouldContain(PartnerDc);
        row.TrustDomainIds.ShouldContain(Partner, "the target's operator");
        row.Summary.ShouldStartWith($"Refused SubmitRequest on vnf/{Amf}/environment/{PartnerDc}: ");
    }

    [Fact]
    public void Map_SecurityAlertRaised_SaysWhichAlertWasRaisedAboutWhichVnf_OrThatTheUpgradeRecordedAnOldOne()
    {
        GivenTheInventory();
        var alert = Guid.NewGuid();
        var raised = Read(new Console.Workflows.Alerts.SecurityAlertRaised(alert, Console.Workflows.Continuity.SecurityAlertKind.ForkDetected, Amf,
            Guid.NewGuid(), Console.Workflows.Attestation.AttestedSubjectKind.VnfInstance, "StaleEpoch", "A copy reported epoch 2.", "system:continuity", T0));
        var recorded = Read(new Console.Workflows.Alerts.SecurityAlertRaised(alert, Console.Workflows.Continuity.SecurityAlertKind.EvidenceRefused, null,
            PartnerDc, Console.Workflows.Attestation.AttestedSubjectKind.Environment, null, "The quote's signature does not verify.",
            Console.Workflows.Alerts.Upgrading.AlertUpgrade.By, T0.AddHours(1)));
        var upgrade = Read(new Console.Workflows.Alerts.SecurityAlertsRecordedAtUpgrade(2, Console.Workflows.Alerts.Upgrading.AlertUpgrade.By, T0.AddDays(1)));

        (raised.Category, raised.ActorId, raised.At, raised.VnfName).ShouldBe((HistoryCategory.Integrity, "system:continuity", T0, "amf-1"));
        raised.Summary.ShouldBe($"Fork detected alert {alert:D} raised (StaleEpoch): A copy reported epoch 2.");
        recorded.Summary.ShouldBe(
            $"Evidence refused alert {alert:D} of 2026-03-02 11:00:00 UTC recorded at the upgrade (it was stored before alerts were events): The quote's signature does not verify.");
        recorded.EnvironmentIds.ShouldBe([PartnerDc]);
        recorded.TrustDomainIds.ShouldContain(Partner);
        (upgrade.Category, upgrade.At).ShouldBe((HistoryCategory.Integrity, T0.AddDays(1)));
        upgrade.Summary.ShouldStartWith("Security alerts became events: 2 alerts stored before recorded at the upgrade");
    }

    [Fact]
    public void Map_SignedIn_SaysThroughWhichProviderWithWhichRolesFromWhere()
    {
        var row = Read(new SignedIn("aiko", "Aiko Auditor", [Roles.Auditor], "the built-in provider", "10.0.0.7", T0));

        row.Category.ShouldBe(HistoryCategory.Access);
        (row.ActorId, row.ActorName, row.At).ShouldBe(("aiko", "Aiko Auditor", T0));
        row.Summary.ShouldBe("Signed in through the built-in provider as Auditor from 10.0.0.7.");
        row.VnfId.ShouldBeNull();
    }

    [Fact]
    public void Map_EventTypeWithoutItsOwnReading_ReadsTheConventionalNamesOfItsPayload()
    {
        GivenTheInventory();
        GivenAMigrationOfTheStoreToThePartner();

        var row = Read(new RequestEscalatedForTest(Request, "mia", "Mia Manager", PartnerDc, "Waited two days.", T0.AddHours(3)));

        row.Category.ShouldBe(HistoryCategory.Other);
        (row.ActorId, row.ActorName, row.At).ShouldBe(("mia", "Mia Manager", T0.AddHours(3)));
        (row.RequestId, row.VnfId).ShouldBe((Request, Amf));
        row.EnvironmentIds.ShouldContain(PartnerDc);
        row.Summary.ShouldBe("Request escalated for test: Waited two days.");
        row.Details.ShouldBe("Waited two days.");
        HistoryMapper.SubjectIds(new RequestEscalatedForTest(Request, "mia", "Mia", PartnerDc, "x", T0)).ShouldBe([Request, PartnerDc], ignoreOrder: true);
    }

    [Fact]
    public void Map_EveryEventTypeOfTheConsole_GivesARowWithItsTypeCategoryTimeAndActor()
    {
        var types = EventTypes();
        types.Count.ShouldBeGreaterThan(25, "every *Events.cs of the workflow layer, found by their shape");

        foreach (var type in types)
        {
            var (data, at, actor) = Sample(type);
            var row = Read(data);

            row.EventType.ShouldBe(type.Name);
            row.Category.ShouldNotBe(HistoryCategory.Other, type.Name);
            row.At.ShouldBe(at, type.Name);
            row.ActorId.ShouldBe(actor, type.Name);
            row.Summary.ShouldNotBeNullOrWhiteSpace(type.Name);
            row.Summary.ShouldNotContain("could not read", Case.Insensitive, type.Name);
        }
    }

    [Fact]
    public void Map_EnrolmentEvents_SayWhoProposedApprovedRejectedAndRevokedWhichKey()
    {
        var enrolment = Guid.NewGuid();
        var proposed = Read(new Console.Workflows.Attestation.EnrolmentProposed(PartnerDc, enrolment, "ak-1", "AAAA", "ak-ek", "BBBB", false,
            [new Console.Workflows.Attestation.Measurement("sha256:7", new string('a', 64))], "From the vendor.", "adam", T0));
        var approved = Read(new Console.Workflows.Attestation.EnrolmentApproved(PartnerDc, enrolment, "ak-1", "samir", T0.AddHours(1)));
        var rejected = Read(new Console.Workflows.Attestation.EnrolmentRejected(PartnerDc, enrolment, "ak-2", "Unknown EK.", "sofia", T0.AddHours(2)));
        var revoked = Read(new Console.Workflows.Attestation.AttestationKeyRevoked(PartnerDc, enrolment, "ak-1", "Host compromised.", "sofia", T0.AddHours(3)));

        (proposed.ActorId, proposed.At, proposed.Category).ShouldBe(("adam", T0, HistoryCategory.Attestation));
        proposed.Summary.ShouldContain("Attestation key ak-1 (EK ak-ek) and 1 reference value proposed for enrolment");
        proposed.Details.ShouldNotBeNull().ShouldContain("sha256:7=" + new string('a', 64));
        (approved.ActorId, approved.At).ShouldBe(("samir", T0.AddHours(1)));
        approved.Summary.ShouldContain("Enrolment of attestation key ak-1");
        approved.Summary.ShouldContain("approved");
        rejected.Summary.ShouldEndWith("rejected: Unknown EK.");
        revoked.ActorId.ShouldBe("sofia");
        revoked.Summary.ShouldContain("Attestation key ak-1");
        revoked.Summary.ShouldEndWith("revoked: Host compromised.");
        proposed.EnvironmentIds.ShouldContain(PartnerDc);
    }

    [Theory]
    [InlineData(typeof(RequestSubmitted), HistoryCategory.Request)]
    [InlineData(typeof(RequestCancelled), HistoryCategory.Request)]
    [InlineData(typeof(ApprovalGranted), HistoryCategory.Approval)]
    [InlineData(typeof(RequestRejected), HistoryCategory.Approval)]
    [InlineData(typeof(TargetAttestationChecked), HistoryCategory.Execution)]
    [InlineData(typeof(ExecutionRetryRequested), HistoryCategory.Execution)]
    [InlineData(typeof(SnapshotTaken), HistoryCategory.Snapshot)]
    [InlineData(typeof(VnfMoved), HistoryCategory.Inventory)]
    [InlineData(typeof(PolicyRevised), HistoryCategory.Policy)]
    [InlineData(typeof(SignedIn), HistoryCategory.Access)]
    [InlineData(typeof(Console.Workflows.Continuity.ForkDetected), HistoryCategory.Continuity)]
    [InlineData(typeof(Console.Workflows.Continuity.StateRestored), HistoryCategory.Continuity)]
    [InlineData(typeof(Console.Workflows.Attestation.EvidenceVerified), HistoryCategory.Attestation)]
    [InlineData(typeof(RequestEscalatedForTest), HistoryCategory.Other)]
    public void CategoryOf_EventType_FollowsItsCapabilityAndPhase(Type type, HistoryCategory expected) =>
        HistoryMapper.CategoryOf(type).ShouldBe(expected);

    /// <summary>The workflow layer's events: public records that say when (At) and who (By, UserId, ApproverId or RequesterId).</summary>
    private static List<Type> EventTypes() =>
        [.. typeof(RequestSubmitted).Assembly.GetExportedTypes()
            .Where(t => t is { IsClass: true, IsSealed: true, IsAbstract: false }
                && !t.Namespace!.EndsWith(".History", StringComparison.Ordinal)
                // Read models with a who and when (a dashboard's hold) are not events.
                && !t.Namespace!.EndsWith(".Dashboards", StringComparison.Ordinal)
                && t.GetProperty("At")?.PropertyType == typeof(DateTimeOffset)
                && ActorParameter(t) is not null)];

    private static readonly string[] ActorNames = ["By", "ApproverId", "RequesterId", "UserId"];

    private static string? ActorParameter(Type type) =>
        ActorNames.FirstOrDefault(n => type.GetProperty(n)?.PropertyType == typeof(string));

    private static (object Data, DateTimeOffset At, string Actor) Sample(Type type)
    {
        var at = T0.AddHours(7);
        var actorName = ActorParameter(type)!;
        var data = Build(type, at, actorName);
        return (data, at, $"{actorName}-of-{type.Name}");
    }

    /// <summary>An instance through the record's constructor, every argument a plausible value.</summary>
    private static object Build(Type type, DateTimeOffset at, string? actorName = null)
    {
        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new InvalidOperationException($"The test cannot make a {type}: teach Value(...) this parameter type.");
        var arguments = constructor.GetParameters().Select(p => Value(p, type, at, actorName)).ToArray();
        return constructor.Invoke(arguments);
    }

    private static object? Value(ParameterInfo parameter, Type owner, DateTimeOffset at, string? actorName)
    {
        var type = parameter.ParameterType;
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null)
            return Value(underlying, parameter.Name!, owner, at, actorName);
        return Value(type, parameter.Name!, owner, at, actorName);
    }

    private static object? Value(Type type, string name, Type owner, DateTimeOffset at, string? actorName)
    {
        if (type == typeof(string))
            return name == actorName ? $"{name}-of-{owner.Name}" : $"{name} value";
        if (type == typeof(Guid))
            return NameBasedGuid.From($"{owner.Name}.{name}");
        if (type == typeof(DateTimeOffset))
            return at;
        if (type == typeof(TimeSpan))
            return TimeSpan.FromHours(1);
        if (type == typeof(int))
            return 1;
        if (type == typeof(long))
            return 1L;
        if (type == typeof(bool))
            return true;
        if (type == typeof(double))
            return 1.0;
        if (type.IsEnum)
            return Enum.GetValues(type).GetValue(0);
        if (type.IsArray)
            return Array.CreateInstance(type.GetElementType()!, 0);
        if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IReadOnlyList<>) || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IEnumerable<>)))
            return Array.CreateInstance(type.GetGenericArguments()[0], 0);
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))
            return Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(type.GetGenericArguments()));
        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlySet<>))
            return Activator.CreateInstance(typeof(HashSet<>).MakeGenericType(type.GetGenericArguments()));
        return Build(type, at);
    }
}

/// <summary>An event type the history has no reading for, as a later capability might add.</summary>
public sealed record RequestEscalatedForTest(Guid RequestId, string By, string ByName, Guid TargetEnvironmentId, string Reason, DateTimeOffset At);
