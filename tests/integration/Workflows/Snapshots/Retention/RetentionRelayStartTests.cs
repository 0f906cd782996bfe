using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Policy;
using Console.Workflows.Snapshots;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shouldly;
using Wolverine;
using Xunit;

namespace Console.IntegrationTests.Workflows.Snapshots.Retention;

/// <summary>
/// A policy revision committed while no node ran is relayed to the retention handler by the next node that starts,
/// through the durable subscription that publishes to Wolverine. That subscription used to run in Marten's daemon,
/// whose hosted service starts before Wolverine's, so it could publish before Wolverine had started
/// (WolverineHasNotStartedException, seen in CI as a second node started); it now runs as a Wolverine agent.
/// </summary>
public sealed class RetentionRelayStartTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "vnf-console-test-keys-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    [Fact]
    public async Task Relay_RevisionCommittedWhileNoNodeRan_IsRelayedByTheNextNode_NeverBeforeWolverineHasStarted()
    {
        Snapshot snapshot;
        await using (var first = await WorkflowHost.StartAsync(_database, Settings))
        {
            var scenario = await SnapshotScenario.CreateAsync(first);
            snapshot = await scenario.TakePublicSnapshotAsync();
        }

        snapshot.RetentionPolicyRevision.ShouldBe(1);
        await ReviseWhileNoNodeRunsAsync(publicMaxAge: TimeSpan.FromDays(10));

        var log = new CapturedLog();
        await using var next = await WorkflowHost.StartAsync(_database, Settings, services: s => s.AddSingleton<ILoggerProvider>(log));

        var reassigned = await Eventually.Until(async () =>
        {
            await using var query = _database.Store.QuerySession();
            return await query.LoadAsync<Snapshot>(snapshot.Id, Ct);
        }, s => s?.RetentionPolicyRevision == 2, "the next node to relay revision 2 to the retention handler", TimeSpan.FromMinutes(1));
        reassigned!.ExpiresAt.ShouldBe(snapshot.CompletedAt + TimeSpan.FromDays(10));
        log.Exceptions.Where(e => Chain(e).Any(x => x is WolverineHasNotStartedException))
            .Select(e => e.Message).ShouldBeEmpty("nothing may publish to Wolverine before it has started");
    }

    private Dictionary<string, string?> Settings => new()
    {
        ["Nfv:Simulator:DelayMilliseconds"] = "0",
        ["Keys:Folder"] = _keys,
    };

    /// <summary>A revision appended straight to the policy stream, as a node that committed it and died would leave it.</summary>
    private async Task ReviseWhileNoNodeRunsAsync(TimeSpan publicMaxAge)
    {
        await using var session = _database.Store.LightweightSession();
        var current = await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, Ct) ?? throw new InvalidOperationException("no policy");
        var document = current.Document with
        {
            Sensitivities = [.. current.Document.Sensitivities.Select(r =>
                r.Sensitivity == Console.Workflows.Inventory.Sensitivity.Public ? r with { MaxSnapshotAge = publicMaxAge } : r)],
        };
        session.Events.Append(ApprovalPolicy.StreamId,
            new PolicyRevised(ApprovalPolicy.StreamId, current.Revision + 1, document, "Storage budget cut", "test:admin", DateTimeOffset.UtcNow));
        await session.SaveChangesAsync(Ct);
    }

    private static IEnumerable<Exception> Chain(Exception e)
    {
        for (var x = e; x is not null; x = x.InnerException)
        {
            yield return x;
            if (x is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                    yield return inner;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        if (Directory.Exists(_keys))
            Directory.Delete(_keys, recursive: true);
    }
}
