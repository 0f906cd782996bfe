using Console.IntegrationTests.Infrastructure;
using Console.Nfv.Simulator;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Sweeping;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Shouldly;
using Wolverine;
using Xunit;

namespace Console.IntegrationTests.Workflows.Snapshots.Sweeping;

/// <summary>
/// Found by the crash campaign (docs/cluster.md): the sweep used to delete what was due one snapshot after another in a
/// single message, so a node killed in the middle left the rest of that sweep to be redone in order by whoever took the
/// message over, and deletions far down the list started again long after the 30 s resume target. Each deletion is now
/// a durable message of its own on a queue that runs several at once.
/// </summary>
public sealed class SweptDeletionTakeOverTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "vnf-console-test-keys-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        if (Directory.Exists(_keys))
            Directory.Delete(_keys, recursive: true);
    }

    [Fact]
    public async Task SweptDeletions_RunSideBySide_AndEachIsTakenOverOnItsOwnWhenTheNodeGoesDown()
    {
        List<Snapshot> expired = [];
        Snapshot newest;
        await using (var first = await StartAsync())
        {
            var s = await SnapshotScenario.CreateAsync(first);
            for (var i = 0; i < 3; i++)
                expired.Add(await s.TakePublicSnapshotAsync());
            _clock.Advance(TimeSpan.FromMinutes(1));
            newest = await s.TakePublicSnapshotAsync();
            _clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));

            // From here every simulated operation waits ten minutes on the fake clock, which only the test moves: the
            // deletions start and stay in the middle of their operation.
            first.Set("Nfv:Simulator:DelayMilliseconds", "600000");
            await first.With<IMessageBus, bool>(async bus =>
            {
                await bus.PublishAsync(new SweepSnapshots(_clock.GetUtcNow()));
                return true;
            });

            // One after another, only the first would have started.
            await Eventually.Until(() => DeletionJournalAsync(first.Store), j => Started(j).Count == expired.Count,
                $"all {expired.Count} deletions to be under way at once", TimeSpan.FromSeconds(30));
            (await DeletionJournalAsync(first.Store)).ShouldNotContain(e => e.Phase == SimulatedOperationPhase.Performed);
            await first.CrashAsync();
        }

        // The node started in its place takes every interrupted deletion over; its operations are instant.
        await using var second = await StartAsync();
        foreach (var snapshot in expired)
        {
            var deleted = await Eventually.Until(() => LoadAsync(second.Store, snapshot.Id), x => x?.Status == SnapshotStatus.Deleted,
                $"snapshot {snapshot.Id} to be deleted by the node taking over", TimeSpan.FromSeconds(60));
            deleted!.DeletionTrigger.ShouldBe(DeletionTrigger.Expired);
            await using var query = second.Store.QuerySession();
            var events = (await query.Events.FetchStreamAsync(snapshot.Id, token: Ct)).Select(e => e.Data).ToList();
            events.OfType<SnapshotDeletionStarted>().Count().ShouldBe(1);
            events.OfType<SnapshotDeleted>().Count().ShouldBe(1);
        }

        var journal = await DeletionJournalAsync(second.Store);
        journal.Where(e => e.Phase == SimulatedOperationPhase.Performed).GroupBy(e => e.OperationId)
            .Select(g => g.Count()).ShouldBe([1, 1, 1], "each deletion performed once, none twice");
        Started(journal).Count.ShouldBe(expired.Count);
        (await LoadAsync(second.Store, newest.Id)).ShouldNotBeNull().Status.ShouldBe(SnapshotStatus.Available);
    }

    private Task<WorkflowHost> StartAsync() => WorkflowHost.StartAsync(
        _database,
        new Dictionary<string, string?>
        {
            ["Nfv:Simulator:DelayMilliseconds"] = "0",
            ["Keys:Folder"] = _keys,
            ["Snapshots:SweepInterval"] = "1.00:00:00",
        },
        TimeSpan.FromSeconds(1),
        services => services.AddSingleton<TimeProvider>(_clock));

    private static List<Guid> Started(IEnumerable<SimulatedOperationLogEntry> journal) =>
        [.. journal.Where(e => e.Phase == SimulatedOperationPhase.Started).Select(e => e.OperationId).Distinct()];

    private static async Task<IReadOnlyList<SimulatedOperationLogEntry>> DeletionJournalAsync(IDocumentStore store)
    {
        await using var query = store.QuerySession();
        return await query.Query<SimulatedOperationLogEntry>().Where(e => e.Kind == SimulatedOperationKind.SnapshotDeletion).ToListAsync(Ct);
    }

    private static async Task<Snapshot?> LoadAsync(IDocumentStore store, Guid id)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<Snapshot>(id, Ct);
    }
}
