using Bunit;
using Console.UnitTests.Web.Components.Pages.Requests;
using Console.Web.Components.Pages.Snapshots;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Holding;
using Console.Workflows.Snapshots.Pinning;
using Console.Workflows.Snapshots.Protecting;
using Console.Workflows.Snapshots.Retention;
using Console.Workflows.Snapshots.Viewing;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Snapshots;

public sealed class SnapshotDetailTests : RequestPageTest
{
    private static readonly Guid Core = Guid.NewGuid();
    private static readonly Guid Partner = Guid.NewGuid();
    private readonly InMemorySnapshots _snapshots = new(Now);
    private readonly RequestScenarios.World _world;

    public SnapshotDetailTests()
    {
        _world = RequestScenarios.WithUdmAndPartnerCloud(Inventory);
        _snapshots.Domains[Core] = "Operator Core";
        _snapshots.Domains[Partner] = "Partner Cloud";
        Services.AddSingleton<ISnapshotLifecycleReader>(_snapshots);
        CommandBus.SnapshotLifecycle = _snapshots;
    }

    private Snapshot PublicSnapshot(DateTimeOffset at) => _snapshots.Add(InMemorySnapshots.Protected(
        _world.Udm.Id, "udm-1", Users.Operator, at, ("collector", Sensitivity.Public, Core), ("exporter", Sensitivity.Public, Partner)));

    [Fact]
    public void SnapshotDetail_Available_ShowsManifestKeysPerDomainAndExpiry()
    {
        var snapshot = PublicSnapshot(Now.AddDays(-2));
        SignInAs("mia.manager", Roles.Manager);

        var cut = Render<SnapshotDetail>(p => p.Add(x => x.Id, snapshot.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=retention-state]").GetAttribute("data-state").ShouldBe(nameof(RetentionState.NotDue)));
        cut.Find("h1").TextContent.ShouldBe($"Snapshot of udm-1, {Now.AddDays(-2):yyyy-MM-dd HH:mm} UTC");
        cut.Find("[data-testid=expires-at]").TextContent.ShouldBe("2025-12-18 10:00 UTC (in 28 d)");
        cut.Find("[data-testid=retention]").TextContent.ShouldContain("Public retention");
        cut.Find("[data-testid=signature]").GetAttribute("data-signature").ShouldBe("valid");
        cut.Find("[data-testid=restore-check]").GetAttribute("data-allowed").ShouldBe("true");
        var keys = cut.FindAll("[data-testid=data-keys] tbody tr").Select(r => r.TextContent).ToList();
        keys.Count.ShouldBe(2);
        keys.ShouldContain(r => r.Contains("Operator Core") && r.Contains("Active (wrapped)"));
        keys.ShouldContain(r => r.Contains("Partner Cloud"));
        // A manager reads; nothing to do.
        cut.FindAll("[data-testid=retention-actions] button").ShouldBeEmpty();
    }

    [Fact]
    public async Task SnapshotDetail_DueButHeld_SaysKeptAndWhy_SecurityMayRelease_OperatorMayNot()
    {
        var snapshot = PublicSnapshot(Now.AddDays(-40));
        PublicSnapshot(Now.AddDays(-1));
        (await _snapshots.PlaceLegalHoldAsync(new PlaceLegalHold(snapshot.Id, snapshot.Version, "Case 2025-9", null),
            new Actor(Users.Security, "Sam", new HashSet<string> { Roles.SecurityOfficer }), Xunit.TestContext.Current.CancellationToken))
            .Succeeded.ShouldBeTrue();
        _snapshots.Received.Clear();
        SignInAsSecurityOfficer();

        var cut = Render<SnapshotDetail>(p => p.Add(x => x.Id, snapshot.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=retention-state]").TextContent.Trim().ShouldBe("Due, kept"));
        cut.Find("[data-protection=LegalHold]").TextContent.ShouldBe($"Legal hold by {Users.Security}: Case 2025-9 until released");
        cut.Find("[data-testid=release-hold]");
        cut.FindAll("[data-testid=pin]").ShouldBeEmpty();
        cut.FindAll("[data-testid=not-needed-action]").ShouldBeEmpty();
    }

    [Fact]
    public void SnapshotDetail_OperatorPins_ThroughTheDialog_WithTheShownVersion()
    {
        var snapshot = PublicSnapshot(Now.AddDays(-1));
        SignInAsRequester();
        var cut = RenderWithDialogs<SnapshotDetail>(p => p.Add(x => x.Id, snapshot.Id));
        cut.WaitForAssertion(() => cut.Find("button[data-testid=pin]"));
        cut.FindAll("[data-testid=place-hold]").ShouldBeEmpty();

        cut.Find("button[data-testid=pin]").Click();
        cut.WaitForAssertion(() => cut.Find("button[data-testid=retention-confirm]"));
        cut.Find("button[data-testid=retention-confirm]").Click();
        cut.WaitForAssertion(() => cut.Markup.ShouldContain("Say why."));
        _snapshots.Received.ShouldBeEmpty();

        cut.Find("textarea[data-testid=retention-reason]").Input("Golden image before 23.5");
        cut.Find("button[data-testid=retention-confirm]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-protection=Pin]").TextContent.ShouldBe($"Pinned by {Users.Operator}: Golden image before 23.5 until released"));
        _snapshots.Received.ShouldHaveSingleItem().ShouldBe(new PinSnapshot(snapshot.Id, 3, "Golden image before 23.5", null));
        cut.Find("button[data-testid=unpin]");
    }

    [Fact]
    public void SnapshotDetail_ServerRefusal_IsShownAndNothingChanges()
    {
        var snapshot = PublicSnapshot(Now.AddDays(-1));
        _snapshots.NextRefusal = Refusal.Because(SnapshotGuards.ConflictMessage, RefusalKind.Conflict);
        SignInAsRequester();
        var cut = RenderWithDialogs<SnapshotDetail>(p => p.Add(x => x.Id, snapshot.Id));
        cut.WaitForAssertion(() => cut.Find("button[data-testid=not-needed-action]"));

        cut.Find("button[data-testid=not-needed-action]").Click();
        cut.WaitForAssertion(() => cut.Find("textarea[data-testid=retention-reason]"));
        cut.Find("textarea[data-testid=retention-reason]").Input("Upgrade went fine");
        cut.Find("button[data-testid=retention-confirm]").Click();

        cut.WaitForAssertion(() => cut.Find("[data-testid=action-refusal]").TextContent.ShouldContain("Someone else acted first"));
        _snapshots[snapshot.Id].NotNeededAt.ShouldBeNull();
    }

    [Fact]
    public void SnapshotDetail_SensitiveSnapshot_OffersADeletionRequestInsteadOfNotNeeded()
    {
        var snapshot = _snapshots.Add(InMemorySnapshots.Protected(_world.Udm.Id, "udm-1", Users.Operator, Now.AddDays(-1),
            ("subscriber-store", Sensitivity.Sensitive, Core)));
        SignInAsRequester();

        var cut = Render<SnapshotDetail>(p => p.Add(x => x.Id, snapshot.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=request-deletion]"));
        cut.Find("[data-testid=request-deletion]").GetAttribute("href")
            .ShouldBe($"/requests/new?kind=SnapshotDeletion&vnf={_world.Udm.Id}&snapshot={snapshot.Id}");
        cut.FindAll("[data-testid=not-needed-action]").ShouldBeEmpty();
    }

    [Fact]
    public void SnapshotDetail_AnOperator_MayRequestARollBackToASnapshotWithAStateEpoch()
    {
        var snapshot = PublicSnapshot(Now.AddDays(-1));
        SignInAsRequester();

        var cut = Render<SnapshotDetail>(p => p.Add(x => x.Id, snapshot.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=request-restore]"));
        cut.Find("[data-testid=request-restore]").GetAttribute("href")
            .ShouldBe($"/requests/new?kind=Restore&vnf={_world.Udm.Id}&snapshot={snapshot.Id}");
    }

    [Fact]
    public void SnapshotDetail_AnAdministrator_IsNotOfferedRequestsOnlyOperatorsMayRaise()
    {
        var snapshot = _snapshots.Add(InMemorySnapshots.Protected(_world.Udm.Id, "udm-1", Users.Operator, Now.AddDays(-1),
            ("subscriber-store", Sensitivity.Sensitive, Core)));
        SignInAsAdministrator();

        var cut = Render<SnapshotDetail>(p => p.Add(x => x.Id, snapshot.Id));

        cut.WaitForAssertion(() => cut.Find("button[data-testid=pin]"));
        cut.Find("button[data-testid=place-hold]");
        cut.FindAll("[data-testid=request-deletion]").ShouldBeEmpty();
        cut.FindAll("[data-testid=request-restore]").ShouldBeEmpty();
        cut.FindAll("[data-testid=not-needed-action]").ShouldBeEmpty();
    }

    [Fact]
    public void SnapshotDetail_TamperedManifest_ShowsTheInvalidSignatureAndTheRefusedRestore()
    {
        var snapshot = PublicSnapshot(Now.AddDays(-1));
        _snapshots.Restore[snapshot.Id] = new RestoreCheck(snapshot.Id,
            ["The manifest signature does not match the manifest: the manifest or its signature was changed after signing."], true,
            "The manifest signature does not match the manifest: the manifest or its signature was changed after signing.");
        SignInAs("aldo.auditor", Roles.Auditor);

        var cut = Render<SnapshotDetail>(p => p.Add(x => x.Id, snapshot.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=signature]").GetAttribute("data-signature").ShouldBe("invalid"));
        cut.Find("[data-testid=restore-check]").GetAttribute("data-allowed").ShouldBe("false");
        cut.Find("[data-testid=restore-check]").TextContent.ShouldContain("changed after signing");
    }

    [Fact]
    public void SnapshotDetail_Deleted_ShowsTheReceiptAndNoActions()
    {
        var taken = PublicSnapshot(Now.AddDays(-40));
        var receipt = new SnapshotDeleted(taken.Id, Guid.Empty, "Past its maximum age: expired at 2025-11-10 10:00 UTC (Public retention).",
            "system:retention-sweep", Now.AddDays(-10), DeletionTrigger.Expired, [.. taken.Keys.Select(k => k.KeyId)], taken.ArtefactLocation,
            $"Artefact {taken.ArtefactLocation} deleted.");
        var deleted = _snapshots.Add(taken.Apply(receipt) with { Version = 5 });
        SignInAsAdministrator();

        var cut = Render<SnapshotDetail>(p => p.Add(x => x.Id, deleted.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=receipt]"));
        cut.Find("[data-testid=receipt-trigger]").GetAttribute("data-trigger").ShouldBe("Expired");
        cut.Find("[data-testid=receipt-keys]").TextContent.ShouldBe(string.Join(", ", taken.Keys.Select(k => k.KeyId)));
        cut.Find("[data-testid=receipt]").TextContent.ShouldContain("deleted.");
        cut.FindAll("[data-testid=retention-actions]").ShouldBeEmpty();
        cut.FindAll("[data-key-state=destroyed]").Count.ShouldBe(2);
    }

    [Fact]
    public void SnapshotDetail_UnknownId_SaysSo()
    {
        SignInAsRequester();

        var cut = Render<SnapshotDetail>(p => p.Add(x => x.Id, Guid.NewGuid()));

        cut.WaitForAssertion(() => cut.Find("[data-testid=not-found]").TextContent.ShouldContain("No snapshot with this id"));
    }
}
