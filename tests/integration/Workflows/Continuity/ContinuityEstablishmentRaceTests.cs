using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Workflows.Continuity;
using Console.Workflows.Continuity.Tracking;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Continuity;

/// <summary>
/// The first executions of a VNF whose continuity the console has not established yet (sixteen run at once on a node
/// with <c>Workflow:ExecutionParallelism</c> 16, the bench's case) all establish it at the same moment.
/// </summary>
public sealed class ContinuityEstablishmentRaceTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync() => _database.InitializeAsync();

    [Fact]
    public async Task EnsureEstablished_SixteenCallersAtOnce_OneStreamStarted_AllSeeIt_AndNothingIsLoggedAsAnError()
    {
        var log = new CapturedLog();
        await using var host = await WorkflowHost.StartAsync(_database, services: s => s.AddSingleton<ILoggerProvider>(log));
        var s = await RuntimeScenario.CreateAsync(host.Store);
        var continuity = host.Services.GetRequiredService<IContinuityService>();

        var seen = await AllAtOnce.RunAsync(16, _ => continuity.EnsureEstablishedAsync(s.Vnf, Ct));

        seen.ShouldAllBe(state => state != null && state.Epoch == 1);
        seen.Select(state => state!.CurrentLease!.InstanceId).Distinct().Count().ShouldBe(1);
        await using var query = host.Store.QuerySession();
        var events = await query.Events.FetchStreamAsync(VnfContinuity.StreamIdFor(s.Vnf), token: Ct);
        events.Select(e => e.Data).OfType<ContinuityEstablished>().Count().ShouldBe(1);
        log.Errors.ShouldBeEmpty("a lost race to start the stream is no error");
    }

    public ValueTask DisposeAsync() => _database.DisposeAsync();
}
