using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Requests;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Runtime;

/// <summary>A workflow host whose clock the test moves (the durable schedule itself runs on real time).</summary>
public sealed class FakeClockWorkflowFixture : WorkflowFixture
{
    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    // Instant simulated operations: the simulator waits on this clock, which only the test moves.
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Nfv:Simulator:DelayMilliseconds"] = "0",
    };

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);
}

/// <summary>The change window on the real workflow: approvals wait for it durably, a closed one ends the request.</summary>
public sealed class ChangeWindowRuntimeTests(FakeClockWorkflowFixture fixture) : IClassFixture<FakeClockWorkflowFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => fixture.Host;

    private FakeTimeProvider Clock => fixture.Clock;

    [Fact]
    public async Task ChangeWindow_Ahead_ApprovedRequestIsNotStarted_AndWaitsOnTheDurableScheduleForTheWindow()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var now = Clock.GetUtcNow();
        var window = new ChangeWindow(now.AddDays(30), now.AddDays(30).AddHours(4));
        var id = await SubmitAndApproveAsync(Host, s, s.Migration(s.DcB, s.N2) with { Window = window });
        // A request without a window, approved after it, goes through the same schedule and runs: when it is done,
        // the schedule has had its chance to run the first one too.
        var other = await SubmitAndApproveAsync(Host, s, s.Snapshot(s.N2));
        await WaitForAsync(Host, other, RequestStatus.Completed);

        var waiting = await DetailsAsync(Host, id);
        waiting.Request.Status.ShouldBe(RequestStatus.Approved);
        waiting.Journal.Select(j => j.EventType).ShouldNotContain(nameof(ExecutionStarted));
        waiting.Request.ScheduledFor(Clock.GetUtcNow()).ShouldBe(window.Start);
        var listed = await Host.With<IRequestReader, PagedResult<RequestListItem>>(r => r.SearchAsync(new RequestSearch(Text: id.ToString())));
        listed.Items.ShouldHaveSingleItem().ScheduledFor.ShouldBe(window.Start);
        // Stored in PostgreSQL for the window's opening, not held in memory.
        var executeAt = (await ScheduledExecutionsAsync(fixture.Database)).ShouldHaveSingleItem();
        executeAt.ShouldBe(DateTimeOffset.UtcNow.AddDays(30), TimeSpan.FromMinutes(5));
    }

    [Fact]
    public async Task ChangeWindow_ClosedBeforeItCouldStart_EndsInWindowMissedNamingTheWindow()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var now = Clock.GetUtcNow();
        var window = new ChangeWindow(now.AddHours(1), now.AddHours(2));
        var submitted = await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(s.Migration(s.DcB, s.N2) with { Window = window }, s.Operator));
        submitted.Succeeded.ShouldBeTrue(submitted.Refusal?.Message);

        // The approval comes after the window closed.
        Clock.Advance(TimeSpan.FromHours(3));
        await ApproveAsync(Host, submitted.Id);

        var missed = await WaitForAsync(Host, submitted.Id, RequestStatus.WindowMissed);
        missed.Request.IsFinal.ShouldBeTrue();
        missed.Request.ExecutionAttempts.ShouldBe(0);
        missed.Request.Outcome.ShouldBe(ChangeWindows.MissedOutcome(
            new ExecutionWindowMissed(submitted.Id, 1, window, "system:execution", Clock.GetUtcNow())));
        missed.Request.Outcome!.ShouldContain(ChangeWindows.Describe(window));
        missed.Journal.Select(j => j.EventType).ShouldNotContain(nameof(ExecutionStarted));
        missed.Journal[^1].EventType.ShouldBe(nameof(ExecutionWindowMissed));

        // Raised again for a new window, it is a new request of its own.
        var again = await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(
            s.Migration(s.DcB, s.N2) with { Window = new ChangeWindow(Clock.GetUtcNow(), Clock.GetUtcNow().AddHours(1)) }, s.Operator));
        again.Succeeded.ShouldBeTrue(again.Refusal?.Message);
        again.Id.ShouldNotBe(submitted.Id);
    }

    [Fact]
    public async Task ChangeWindow_RetryAfterItClosed_IsRefused_AndChangesNothing()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var now = Clock.GetUtcNow();
        var window = new ChangeWindow(now.AddMinutes(-1), now.AddHours(1));
        Host.Set("Nfv:Simulator:FailOperations", "Migration");
        try
        {
            var id = await SubmitAndApproveAsync(Host, s, s.Migration(s.DcB, s.N2) with { Window = window });
            await WaitForAsync(Host, id, RequestStatus.Failed);
        }
        finally
        {
            Host.Set("Nfv:Simulator:FailOperations", "");
        }

        var failed = (await Host.With<IRequestReader, PagedResult<RequestListItem>>(r => r.SearchAsync(
            new RequestSearch(VnfId: s.Vnf, Status: RequestStatus.Failed)))).Items.ShouldHaveSingleItem();
        Clock.Advance(TimeSpan.FromHours(2));
        var before = await DetailsAsync(Host, failed.Id);

        var retry = await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(
            new RetryExecution(failed.Id, before.Request.Version, "The host came back."), s.Operator));

        var refusal = retry.Refusal.ShouldNotBeNull();
        refusal.Kind.ShouldBe(RefusalKind.Conflict);
        refusal.Message.ShouldBe(
            $"The change window {ChangeWindows.Describe(window)} has closed, so the execution may not run again. "
            + "Raise the request again with a new change window.");
        (await DetailsAsync(Host, failed.Id)).Request.Version.ShouldBe(before.Request.Version);
    }

    internal static async Task<Guid> SubmitAndApproveAsync(WorkflowHost host, RuntimeScenario s, SubmitRequest request)
    {
        var submitted = await host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(request, s.Operator));
        submitted.Succeeded.ShouldBeTrue(submitted.Refusal?.Message);
        await ApproveAsync(host, submitted.Id);
        return submitted.Id;
    }

    internal static async Task ApproveAsync(WorkflowHost host, Guid id)
    {
        var request = (await DetailsAsync(host, id)).Request;
        if (request.Status != RequestStatus.PendingApproval)
            return;
        var approved = await host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(
            new ApproveRequest(id, request.Version, request.ContentDigest, null), host.SignedIn(RuntimeScenario.Approver(1))));
        approved.Succeeded.ShouldBeTrue(approved.Refusal?.Message);
    }

    internal static async Task<RequestDetails> DetailsAsync(WorkflowHost host, Guid id) =>
        (await host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id))).ShouldNotBeNull();

    internal static async Task<RequestDetails> WaitForAsync(WorkflowHost host, Guid id, RequestStatus status) =>
        (await Eventually.Until(
            () => host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id)),
            d => d?.Request.Status == status,
            $"request {id} to be {status}",
            TimeSpan.FromSeconds(60)))!;

    /// <summary>When the stored, not yet handled executions are due (real time, as the durable schedule keeps it).</summary>
    internal static async Task<IReadOnlyList<DateTimeOffset>> ScheduledExecutionsAsync(PostgresDatabase database)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var query = new NpgsqlCommand(
            "select execution_time from wolverine_incoming_envelopes where message_type like '%ExecuteRequest%' and status = 'Scheduled'",
            connection);
        var due = new List<DateTimeOffset>();
        await using var reader = await query.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
            due.Add(new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(0), DateTimeKind.Utc)));
        return due;
    }
}

/// <summary>Short real windows: the execution starts when the window opens, also on a node started after a crash.</summary>
public sealed class ChangeWindowRestartTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ChangeWindow_Open_StartsAtOnce_InsideTheWindow()
    {
        await using var host = await WorkflowHost.StartAsync(database);
        var s = await RuntimeScenario.CreateAsync(host.Store);
        var now = DateTimeOffset.UtcNow;
        var window = new ChangeWindow(now.AddMinutes(-5), now.AddHours(1));

        var id = await ChangeWindowRuntimeTests.SubmitAndApproveAsync(host, s, s.Migration(s.DcB, s.N2) with { Window = window });

        await ChangeWindowRuntimeTests.WaitForAsync(host, id, RequestStatus.Completed);
        var started = await StartedAtAsync(host, id);
        started.ShouldBeInRange(window.Start, window.End);
    }

    [Fact]
    public async Task ChangeWindow_AheadWhenTheNodeCrashes_StartsWhenItOpens_OnTheNextNode()
    {
        Guid id;
        ChangeWindow window;
        await using (var first = await WorkflowHost.StartAsync(database, shutdownTimeout: TimeSpan.FromSeconds(1)))
        {
            var s = await RuntimeScenario.CreateAsync(first.Store);
            var now = DateTimeOffset.UtcNow;
            window = new ChangeWindow(now.AddSeconds(15), now.AddMinutes(10));
            id = await ChangeWindowRuntimeTests.SubmitAndApproveAsync(first, s, s.Migration(s.DcB, s.N2) with { Window = window });
            await first.CrashAsync();
        }

        // Nothing ran before the crash; the execution waits in PostgreSQL for the window.
        DateTimeOffset.UtcNow.ShouldBeLessThan(window.Start, "the first node must go down before the window opens");
        await using (var session = database.Store.QuerySession())
            (await session.LoadAsync<ChangeRequest>(id, Ct)).ShouldNotBeNull().Status.ShouldBe(RequestStatus.Approved);
        (await ChangeWindowRuntimeTests.ScheduledExecutionsAsync(database)).ShouldContain(
            at => Math.Abs((at - window.Start).TotalSeconds) < 5);

        await using var second = await WorkflowHost.StartAsync(database);
        await ChangeWindowRuntimeTests.WaitForAsync(second, id, RequestStatus.Completed);
        (await StartedAtAsync(second, id)).ShouldBeGreaterThanOrEqualTo(window.Start);
    }

    private static async Task<DateTimeOffset> StartedAtAsync(WorkflowHost host, Guid id)
    {
        await using var session = host.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(id, token: Ct);
        return events.Select(e => e.Data).OfType<ExecutionStarted>().Single().At;
    }
}
