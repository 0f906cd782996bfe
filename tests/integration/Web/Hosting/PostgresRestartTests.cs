using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Marten;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Web.Hosting;

/// <summary>
/// The database goes away under a running console and comes back (<see cref="CuttableTcpProxy"/>: sessions dropped,
/// connections refused, then accepted again). Commands issued meanwhile are refused with a clear message, not thrown
/// at the person; none is half-applied; the same commands succeed once the database is back.
/// </summary>
public sealed class PostgresRestartTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private readonly string _keys = Path.Combine(Path.GetTempPath(), "console-pg-restart-tests-" + Guid.NewGuid().ToString("N"));
    private CuttableTcpProxy _proxy = null!;
    private WebApplicationFactory<Program> _node = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        var direct = new NpgsqlConnectionStringBuilder(_database.ConnectionString);
        _proxy = new CuttableTcpProxy(direct.Host!, direct.Port);
        // Through the proxy, and no pooled connection outlives the cut unnoticed for long.
        var viaProxy = new NpgsqlConnectionStringBuilder(_database.ConnectionString) { Host = "127.0.0.1", Port = _proxy.Port, Timeout = 5 };
        _node = ConsoleWebApp.Node(_database, _keys, [("ConnectionStrings:Console", viaProxy.ConnectionString)]);
        _ = _node.Server;
    }

    private async Task<Outcome> IssueAsync(IConsoleCommand command, Actor actor)
    {
        await using var scope = _node.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IConsoleCommandBus>().IssueAsync(command, actor, Ct);
    }

    [Fact]
    public async Task PostgresRestart_CommandsWhileTheDatabaseIsGone_AreRefusedClearly_NoneHalfApplied_AndSucceedOnceItIsBack()
    {
        var s = await RuntimeScenario.CreateAsync(_node.Services.GetRequiredService<IDocumentStore>());
        var first = await IssueAsync(s.Snapshot(s.N2), s.Operator);
        first.Succeeded.ShouldBeTrue(first.Refusal?.Message);
        ChangeRequest before;
        await using (var query = _database.Store.QuerySession())
            before = (await query.LoadAsync<ChangeRequest>(first.Id, Ct)).ShouldNotBeNull();

        _proxy.Cut();
        var submitWhileGone = s.Snapshot(s.N2) with { Justification = "Submitted while the database restarts." };
        var approveWhileGone = new ApproveRequest(first.Id, before.Version, before.ContentDigest, "Approved while the database restarts.");
        var submitted = await IssueAsync(submitWhileGone, s.Operator);
        var approved = await IssueAsync(approveWhileGone, RuntimeScenario.Approver(1));

        foreach (var outcome in new[] { submitted, approved })
        {
            outcome.Succeeded.ShouldBeFalse();
            outcome.Refusal!.Kind.ShouldBe(RefusalKind.Unavailable);
            outcome.Refusal.Message.ShouldBe(CommandBus.DatabaseUnavailableMessage);
        }

        _proxy.Restore();

        // Nothing of either command reached the database (read directly, not through the proxy).
        await using (var query = _database.Store.QuerySession())
        {
            var requests = await query.Query<ChangeRequest>().Where(r => r.RequesterId == s.Operator.UserId).ToListAsync(Ct);
            requests.Select(r => r.Id).ShouldBe([first.Id]);
            var events = await query.Events.FetchStreamAsync(first.Id, token: Ct);
            events.Count.ShouldBe(before.Version);
            events.Select(e => e.Data).OfType<ApprovalGranted>().ShouldBeEmpty();
        }

        // The same commands once it is back: the node's pool reconnects; they are carried out whole.
        var again = await Eventually.Until(() => IssueAsync(submitWhileGone, s.Operator),
            o => o.Refusal?.Kind != RefusalKind.Unavailable, "the node to reach the database again", TimeSpan.FromSeconds(30));
        again.Succeeded.ShouldBeTrue(again.Refusal?.Message);
        (await IssueAsync(approveWhileGone, RuntimeScenario.Approver(1))).Succeeded.ShouldBeTrue();
        await using (var query = _database.Store.QuerySession())
        {
            var approvedRequest = (await query.LoadAsync<ChangeRequest>(first.Id, Ct)).ShouldNotBeNull();
            (await query.Events.FetchStreamAsync(first.Id, token: Ct)).Count.ShouldBe(approvedRequest.Version);
            (await query.Events.FetchStreamAsync(first.Id, token: Ct)).Select(e => e.Data).OfType<ApprovalGranted>().Count().ShouldBe(1);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_node is not null)
            await _node.DisposeAsync();
        if (_proxy is not null)
            await _proxy.DisposeAsync();
        await _database.DisposeAsync();
        try
        {
            Directory.Delete(_keys, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
