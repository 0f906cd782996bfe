using Console.IntegrationTests.Infrastructure;
using Console.Testing.Workflows.Common;
using Console.Workflows.Common;
using Console.Workflows.Keys;
using Console.Workflows.Requests;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Holding;
using Console.Workflows.Snapshots.MarkingNotNeeded;
using Console.Workflows.Snapshots.Pinning;
using Console.Workflows.Snapshots.Retention;
using Console.Workflows.Snapshots.Sweeping;
using Console.Workflows.Snapshots.Viewing;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Snapshots.Holding;

/// <summary>
/// Legal holds and pins against the real sweep and the real request workflow: a held snapshot outlives its maximum age
/// and says why; released, it goes at the next sweep. Deletion through an approved request gives the same receipt.
/// </summary>
public sealed class LegalHoldTests(SnapshotLifecycleFixture fixture) : IClassFixture<SnapshotLifecycleFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => fixture.Host;

    private Task<SweepReport> SweepAsync() => Host.Services.GetRequiredService<SnapshotSweeper>().SweepAsync(Ct);

    private Task<Outcome> Command(Func<IConsoleCommandBus, Task<Outcome>> act) => Host.With(act);

    private Task<SnapshotView?> View(Guid id) => Host.With<ISnapshotLifecycleReader, SnapshotView?>(r => r.GetAsync(id));

    private async Task<(SnapshotScenario S, Snapshot Older)> OlderAndNewerAsync()
    {
        var s = await SnapshotScenario.CreateAsync(Host);
        var older = await s.TakePublicSnapshotAsync();
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.TakePublicSnapshotAsync();
        return (s, older);
    }

    [Fact]
    public async Task LegalHold_HeldSnapshot_SurvivesTheSweepAndShowsWhy_AfterReleaseItGoes()
    {
        var (s, snapshot) = await OlderAndNewerAsync();
        var held = await Command(c => c.IssueAsync(
            new PlaceLegalHold(snapshot.Id, snapshot.Version, "Case 2026-17: preserve evidence", null), s.Security));
        held.Succeeded.ShouldBeTrue(held.Refusal?.Message);

        fixture.Clock.Advance(TimeSpan.FromDays(31));
        await SweepAsync();

        var view = (await View(snapshot.Id)).ShouldNotBeNull();
        view.Snapshot.Status.ShouldBe(SnapshotStatus.Available);
        view.Retention.State.ShouldBe(RetentionState.Kept);
        view.Retention.Protections.ShouldHaveSingleItem().Description
            .ShouldBe($"Legal hold by {s.Security.UserId}: Case 2026-17: preserve evidence until released");
        (await s.EventsOfAsync(snapshot.Id)).OfType<SnapshotDeletionStarted>().ShouldBeEmpty();

        // Operations cannot lift a legal hold; the security officer can.
        var current = view.Snapshot;
        var byOperator = await Command(c => c.IssueAsync(new ReleaseLegalHold(snapshot.Id, current.Version, "Not needed"), s.Operator));
        byOperator.Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.ReleaseLegalHold));
        var released = await Command(c => c.IssueAsync(new ReleaseLegalHold(snapshot.Id, current.Version, "Case closed"), s.Security));
        released.Succeeded.ShouldBeTrue(released.Refusal?.Message);

        await SweepAsync();

        var deleted = (await s.LoadAsync(snapshot.Id)).ShouldNotBeNull();
        deleted.Status.ShouldBe(SnapshotStatus.Deleted);
        deleted.DeletionTrigger.ShouldBe(DeletionTrigger.Expired);
        (await s.EventsOfAsync(snapshot.Id)).OfType<SnapshotDeleted>().ShouldHaveSingleItem();
    }

    [Fact]
    public async Task LegalHold_WithUntil_KeepsTheSnapshotUntilThenOnly()
    {
        var (s, snapshot) = await OlderAndNewerAsync();
        var until = fixture.Clock.GetUtcNow().AddDays(32);
        (await Command(c => c.IssueAsync(new PlaceLegalHold(snapshot.Id, snapshot.Version, "Audit window", until), s.Admin)))
            .Succeeded.ShouldBeTrue();

        fixture.Clock.Advance(TimeSpan.FromDays(31));
        await SweepAsync();
        var view = (await View(snapshot.Id)).ShouldNotBeNull();
        view.Snapshot.Status.ShouldBe(SnapshotStatus.Available);
        view.Retention.Protections.ShouldHaveSingleItem().Description.ShouldContain($"until {until.UtcDateTime:yyyy-MM-dd HH:mm} UTC");

        fixture.Clock.Advance(TimeSpan.FromDays(2));
        await SweepAsync();
        (await s.LoadAsync(snapshot.Id)).ShouldNotBeNull().Status.ShouldBe(SnapshotStatus.Deleted);
    }

    [Fact]
    public async Task LegalHold_PinnedSnapshotSurvivesTooUntilUnpinned()
    {
        var (s, snapshot) = await OlderAndNewerAsync();
        (await Command(c => c.IssueAsync(new PinSnapshot(snapshot.Id, snapshot.Version, "Golden image for 23.5", null), s.Operator)))
            .Succeeded.ShouldBeTrue();

        fixture.Clock.Advance(TimeSpan.FromDays(31));
        await SweepAsync();
        var view = (await View(snapshot.Id)).ShouldNotBeNull();
        view.Retention.State.ShouldBe(RetentionState.Kept);
        view.Retention.Protections.ShouldHaveSingleItem().Kind.ShouldBe(ProtectionKind.Pin);

        // An auditor may look but not unpin; the operator unpins and the next sweep deletes it.
        (await Command(c => c.IssueAsync(new UnpinSnapshot(snapshot.Id, view.Snapshot.Version, "Done"), s.Auditor)))
            .Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.UnpinSnapshot));
        (await Command(c => c.IssueAsync(new UnpinSnapshot(snapshot.Id, view.Snapshot.Version, "Upgrade done"), s.OtherOperator)))
            .Succeeded.ShouldBeTrue();
        await SweepAsync();
        (await s.LoadAsync(snapshot.Id)).ShouldNotBeNull().Status.ShouldBe(SnapshotStatus.Deleted);
    }

    [Fact]
    public async Task LegalHold_BlocksAnApprovedDeletionRequest_AfterReleaseTheRetriedRequestDeletesWithAReceipt()
    {
        var (s, snapshot) = await OlderAndNewerAsync();
        (await Command(c => c.IssueAsync(new PlaceLegalHold(snapshot.Id, snapshot.Version, "Litigation", null), s.Security)))
            .Succeeded.ShouldBeTrue();

        // A Public snapshot's deletion needs no approval, so it executes at once, and is refused by the hold.
        var submitted = await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(
            new SubmitRequest(RequestKind.SnapshotDeletion, s.Vnf, [], null, snapshot.Id, "Free the storage of the old snapshot.", null), s.Operator));
        submitted.Succeeded.ShouldBeTrue(submitted.Refusal?.Message);
        var failed = await s.WaitForRequestAsync(submitted.Id, RequestStatus.Failed);
        failed.Request.Outcome.ShouldNotBeNull().ShouldContain($"Legal hold by {s.Security.UserId}: Litigation");
        (await s.LoadAsync(snapshot.Id)).ShouldNotBeNull().Status.ShouldBe(SnapshotStatus.Available);

        var held = (await s.LoadAsync(snapshot.Id))!;
        (await Command(c => c.IssueAsync(new ReleaseLegalHold(snapshot.Id, held.Version, "Settled"), s.Security)))
            .Succeeded.ShouldBeTrue();
        var retried = await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(new RetryExecution(submitted.Id, failed.Request.Version, "The legal hold was released."), s.Operator));
        retried.Succeeded.ShouldBeTrue(retried.Refusal?.Message);
        await s.WaitForRequestAsync(submitted.Id, RequestStatus.Completed);

        var deleted = (await s.LoadAsync(snapshot.Id)).ShouldNotBeNull();
        deleted.Status.ShouldBe(SnapshotStatus.Deleted);
        var receipt = (await s.EventsOfAsync(snapshot.Id)).OfType<SnapshotDeleted>().ShouldHaveSingleItem();
        receipt.Trigger.ShouldBe(DeletionTrigger.Request);
        receipt.RequestId.ShouldBe(submitted.Id);
        receipt.DestroyedKeyIds.ShouldNotBeNull().ShouldBe(snapshot.Keys.Select(k => k.KeyId), ignoreOrder: true);
        var keys = Host.Services.GetRequiredService<IKeyStore>();
        await Should.ThrowAsync<KeyUnavailableException>(() => keys.UnwrapAsync(snapshot.Keys[0].KeyId, snapshot.Keys[0].TrustDomainId, Ct));
    }

    [Fact]
    public async Task LegalHold_SensitiveSnapshotNotNeeded_IsRefusedAndGoesThroughAnApprovedDeletionRequest()
    {
        var s = await SnapshotScenario.CreateAsync(Host);
        var sensitive = await s.TakeSensitiveSnapshotAsync();

        var refused = await Command(c => c.IssueAsync(new MarkSnapshotNotNeeded(sensitive.Id, sensitive.Version, "Done with it"), s.Operator));
        refused.Refusal.ShouldBeRefusal(RefusalKind.Invalid, MarkSnapshotNotNeededDecider.NeedsApprovalMessage);

        var submitted = await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(
            new SubmitRequest(RequestKind.SnapshotDeletion, s.Vnf, [], null, sensitive.Id, "Done with it: the upgrade succeeded.", null), s.Operator));
        submitted.Succeeded.ShouldBeTrue(submitted.Refusal?.Message);
        await s.WaitForRequestAsync(submitted.Id, RequestStatus.PendingApproval);
        await s.ApproveAsync(submitted.Id, SnapshotScenario.Approver(1));
        await s.ApproveAsync(submitted.Id, SnapshotScenario.Approver(2));
        await s.WaitForRequestAsync(submitted.Id, RequestStatus.Completed);

        var deleted = (await s.LoadAsync(sensitive.Id)).ShouldNotBeNull();
        deleted.Status.ShouldBe(SnapshotStatus.Deleted);
        deleted.Receipt.ShouldNotBeNull().Trigger.ShouldBe(DeletionTrigger.Request);
        deleted.Receipt.DestroyedKeyIds.ShouldNotBeNull().ShouldHaveSingleItem().ShouldBe(sensitive.Keys.Single().KeyId);
    }
}
