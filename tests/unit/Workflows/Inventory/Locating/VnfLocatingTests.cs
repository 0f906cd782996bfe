using Console.Workflows.Inventory.Locating;
using Console.Workflows.Nfv;
using Console.Workflows.Requests;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Inventory.Locating;

public sealed class VnfLocatingTests
{
    private static ChangeRequest Completed(ChangeRequest approved, DateTimeOffset at, TimeSpan? downtime) =>
        approved.Apply(new ExecutionStarted(approved.Id, 1, "system:workflow", at.AddSeconds(-10)))
            .Apply(new ExecutionCompleted(approved.Id, 1, "moved", "system:workflow", at) { MeasuredDowntime = downtime });

    [Fact]
    public void Locate_GivenTwoCompletedMigrationsAndAFailedOne_TakesTheLatestCompletedWithItsDowntime()
    {
        var earlier = Completed(WithApprovedCriticalMigration() with { Id = Guid.NewGuid() }, Now.AddHours(1), TimeSpan.FromMilliseconds(900));
        var latest = Completed(WithApprovedCriticalMigration() with { Id = Guid.NewGuid() }, Now.AddHours(2), TimeSpan.FromMilliseconds(321));
        var failed = WithApprovedCriticalMigration() with { Id = Guid.NewGuid() };
        failed = failed.Apply(new ExecutionStarted(failed.Id, 1, "system:workflow", Now.AddHours(3)))
            .Apply(new ExecutionFailed(failed.Id, 1, "refused", "system:workflow", Now.AddHours(3)));

        var location = VnfLocating.Locate(UdmId, [], [latest, failed, earlier]);

        var last = location.LastMigration.ShouldNotBeNull();
        (last.RequestId, last.CompletedAt, last.Downtime).ShouldBe((latest.Id, Now.AddHours(2), TimeSpan.FromMilliseconds(321)));
        last.TargetEnvironmentId.ShouldBe(DcAId);
        last.ComponentIds.ShouldBe([SidfId]);
    }

    [Fact]
    public void Locate_GivenACompletedSnapshotAndAnotherVnfsMigration_HasNoLastMigration()
    {
        var otherVnf = Completed(WithApprovedCriticalMigration() with
        {
            Id = Guid.NewGuid(),
            Content = WithApprovedCriticalMigration().Content with { VnfId = Guid.NewGuid() },
        }, Now.AddHours(1), TimeSpan.FromMilliseconds(5));
        var snapshot = Completed(WithApprovedCriticalMigration() with
        {
            Id = Guid.NewGuid(),
            Content = WithApprovedCriticalMigration().Content with { Kind = RequestKind.Snapshot },
        }, Now.AddHours(1), null);

        VnfLocating.Locate(UdmId, [], [otherVnf, snapshot]).LastMigration.ShouldBeNull();
    }

    [Fact]
    public void Locate_GivenTheVnfsMachineAndAComponentsOwn_PutsEachUnderWhatItRuns()
    {
        var location = VnfLocating.Locate(UdmId,
            [new MachinePlacement(SidfId, "lab-b", "m-sidf"), new MachinePlacement(null, "lab-a", "m-udm")], []);

        location.VnfMachine.ShouldBe(new MachinePlacement(null, "lab-a", "m-udm"));
        location.ComponentMachines.ShouldHaveSingleItem().ShouldBe(new KeyValuePair<Guid, MachinePlacement>(SidfId, new MachinePlacement(SidfId, "lab-b", "m-sidf")));
    }

    [Fact]
    public void Locate_GivenNoMachines_HasNoHosts()
    {
        var location = VnfLocating.Locate(UdmId, [], []);

        location.VnfMachine.ShouldBeNull();
        location.ComponentMachines.ShouldBeEmpty();
    }
}
