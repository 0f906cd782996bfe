using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Alerts;
using Console.Workflows.Continuity;
using Console.Workflows.Continuity.Reconciling;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Continuity.Reconciling;

/// <summary>
/// A difference between a host and the inventory, seen by two reconciliation rounds at once and by a later one, on
/// real PostgreSQL: recorded once, with its alert raised once on the difference's own stream.
/// </summary>
public sealed class HostDriftRecorderTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HostDrift_SameDifferenceSeenByConcurrentAndLaterRounds_IsRecordedAndAlertedOnce()
    {
        var store = fixture.Host.Store;
        var difference = new HostDifference(HostDriftKind.UnknownMachine, null, Guid.NewGuid(), "host-7", $"machine vm-{Guid.NewGuid():N} on host-7",
            "A machine the console did not start runs on host-7.");
        HostDriftRecorder Round() => new(store, TimeProvider.System, NullLogger<HostDriftRecorder>.Instance);

        var concurrent = await Task.WhenAll(Round().RecordAsync([difference], Ct), Round().RecordAsync([difference], Ct));
        var later = await Round().RecordAsync([difference, difference], Ct);

        concurrent.Sum(r => r.Count).ShouldBe(1);
        later.ShouldBeEmpty();
        await using var query = store.QuerySession();
        var events = (await query.Events.FetchStreamAsync(difference.DriftId, token: Ct)).Select(e => e.Data).ToList();
        events.Count.ShouldBe(2);
        var drift = events[0].ShouldBeOfType<HostDriftDetected>();
        var raised = events[1].ShouldBeOfType<SecurityAlertRaised>();
        (raised.AlertId, raised.Kind, raised.Reason, raised.By, raised.At).ShouldBe(
            (difference.DriftId, SecurityAlertKind.HostDrift, nameof(HostDriftKind.UnknownMachine), HostDriftRecorder.By, drift.At));
        (await query.LoadAsync<SecurityAlert>(difference.DriftId, Ct)).ShouldBe(SecurityAlert.Create(raised));
        (await query.LoadAsync<AlertHandling>(difference.DriftId, Ct)).ShouldNotBeNull().State.ShouldBe(AlertState.Open);
    }
}
