using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Snapshots;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Snapshots.Retention;

/// <summary>The sweep on its own recurring schedule, every second here: nobody runs it by hand.</summary>
public sealed class EverySecondSweepFixture : SnapshotLifecycleFixture
{
    protected override string SweepInterval => "00:00:01";
}

public sealed class RetentionScheduleTests(EverySecondSweepFixture fixture) : IClassFixture<EverySecondSweepFixture>
{
    private WorkflowHost Host => fixture.Host;

    [Fact]
    public async Task SecureDeletion_ScheduledSweep_DeletesAnExpiredSnapshotWithinAnInterval()
    {
        var s = await SnapshotScenario.CreateAsync(Host);
        var older = await s.TakePublicSnapshotAsync();
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var newer = await s.TakePublicSnapshotAsync();

        fixture.Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(2));

        var deleted = await s.WaitForSnapshotAsync(older.Id, x => x.Status == SnapshotStatus.Deleted, "the scheduled sweep to delete it");
        deleted.DeletionTrigger.ShouldBe(DeletionTrigger.Expired);
        (await s.EventsOfAsync(older.Id)).OfType<SnapshotDeleted>().ShouldHaveSingleItem();
        (await s.LoadAsync(newer.Id)).ShouldNotBeNull().Status.ShouldBe(SnapshotStatus.Available);
    }
}

/// <summary>A policy revision re-assigns the retention of snapshots that exist already.</summary>
public sealed class RetentionPolicyTests(SnapshotLifecycleFixture fixture) : IClassFixture<SnapshotLifecycleFixture>
{
    private WorkflowHost Host => fixture.Host;

    [Fact]
    public async Task RetentionAssigned_WhenAPolicyRevisionShortensTheMaxAge_ExistingSnapshotsExpireSooner()
    {
        var s = await SnapshotScenario.CreateAsync(Host);
        var snapshot = await s.TakePublicSnapshotAsync();
        snapshot.ExpiresAt.ShouldBe(snapshot.CompletedAt + TimeSpan.FromDays(30));
        snapshot.GoverningSensitivity.ShouldBe(Sensitivity.Public);
        snapshot.RetentionPolicyRevision.ShouldBe(1);

        var current = await Host.With<IPolicyReader, ApprovalPolicy>(p => p.CurrentAsync());
        var document = current.Document with
        {
            Sensitivities = [.. current.Document.Sensitivities.Select(r =>
                r.Sensitivity == Sensitivity.Public ? r with { MaxSnapshotAge = TimeSpan.FromDays(10) } : r)],
        };
        var revised = await Host.With<IConsoleCommandBus, Outcome>(p => p.IssueAsync(
            new RevisePolicy(current.Revision, document, "Storage budget cut"), s.Admin));
        revised.Succeeded.ShouldBeTrue(revised.Refusal?.Message);

        var reassigned = await s.WaitForSnapshotAsync(snapshot.Id, x => x.RetentionPolicyRevision == current.Revision + 1,
            "the new policy revision's retention");
        reassigned.ExpiresAt.ShouldBe(snapshot.CompletedAt + TimeSpan.FromDays(10));
        var assignments = (await s.EventsOfAsync(snapshot.Id)).OfType<RetentionAssigned>().ToList();
        assignments.Count.ShouldBe(2);
        assignments[1].By.ShouldBe(Console.Workflows.Snapshots.Retention.ReassignRetentionHandler.By);
    }
}
