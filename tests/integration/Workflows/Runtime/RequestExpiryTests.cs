using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Common;
using Console.Workflows.Policy;
using Console.Workflows.Policy.Seeding;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Expiring;
using Marten;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Runtime;

/// <summary>
/// A database whose policy lets requests wait three seconds only. Administrators cannot configure so short a timeout
/// (the policy rules ask for at least five minutes), so the fixture writes the revision directly.
/// </summary>
public sealed class ShortTimeoutWorkflowFixture : WorkflowFixture
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        await using var session = Host.Store.LightweightSession();
        var policy = (await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId)).ShouldNotBeNull();
        session.Events.Append(ApprovalPolicy.StreamId, new PolicyRevised(
            ApprovalPolicy.StreamId, policy.Revision + 1, policy.Document with { PendingRequestTimeout = Timeout },
            "Test: short timeout", PolicySeed.By, DateTimeOffset.UtcNow));
        await session.SaveChangesAsync();
    }
}

public sealed class RequestExpiryTests(ShortTimeoutWorkflowFixture fixture) : IClassFixture<ShortTimeoutWorkflowFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PendingRequest_WithoutApprovals_ExpiresFromTheDurableSchedule()
    {
        var host = fixture.Host;
        var s = await RuntimeScenario.CreateAsync(host.Store);
        var submitted = await host.With<IConsoleCommandBus, Console.Workflows.Common.Outcome>(c => c.IssueAsync(s.Migration(s.DcB, s.N2), s.Operator));
        submitted.Succeeded.ShouldBeTrue(submitted.Refusal?.Message);

        var expired = await Eventually.Until(
            () => host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(submitted.Id)),
            d => d?.Request.Status == RequestStatus.Expired,
            "the request to expire",
            TimeSpan.FromSeconds(60));

        var request = expired!.Request;
        (request.ExpiresAt - request.SubmittedAt).ShouldBe(ShortTimeoutWorkflowFixture.Timeout);
        var entry = expired.Journal[^1];
        entry.EventType.ShouldBe(nameof(RequestExpired));
        entry.Actor.ShouldBe(ExpireRequestDecider.By);
        entry.At.ShouldBeGreaterThanOrEqualTo(request.ExpiresAt);
        // Expired requests can no longer be approved.
        var late = await host.With<IConsoleCommandBus, Console.Workflows.Common.Outcome>(c => c.IssueAsync(
            new ApproveRequest(request.Id, request.Version, request.ContentDigest, null), host.SignedIn(RuntimeScenario.Approver(1))));
        var refusal = late.Refusal.ShouldNotBeNull();
        (refusal.Kind, refusal.Message).ShouldBe((Console.Workflows.Common.RefusalKind.Conflict, "This request is expired; it can no longer be approved."));
    }

    [Fact]
    public async Task ApprovedRequest_WhenItsTimeoutFires_IsNotExpired()
    {
        var host = fixture.Host;
        var s = await RuntimeScenario.CreateAsync(host.Store);
        var submitted = await host.With<IConsoleCommandBus, Console.Workflows.Common.Outcome>(c => c.IssueAsync(s.Snapshot(s.N2), s.Operator));
        var request = (await host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(submitted.Id)))!.Request;
        var approved = await host.With<IConsoleCommandBus, Console.Workflows.Common.Outcome>(c => c.IssueAsync(
            new ApproveRequest(request.Id, request.Version, request.ContentDigest, null), host.SignedIn(RuntimeScenario.Approver(1))));
        approved.Succeeded.ShouldBeTrue(approved.Refusal?.Message);

        await Eventually.Until(
            () => host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(submitted.Id)),
            d => d?.Request.Status == RequestStatus.Completed,
            "the request to complete");
        // Wait until the expiry message was handled (it is kept no longer than needed), then check it changed nothing.
        await Eventually.Until(
            async () =>
            {
                await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
                await connection.OpenAsync();
                await using var count = new NpgsqlCommand(
                    "select count(*) from wolverine_incoming_envelopes where message_type like '%ExpireRequest%' and status <> 'Handled'",
                    connection);
                return (long)(await count.ExecuteScalarAsync())!;
            },
            pending => pending == 0,
            "the expiry message to be handled",
            TimeSpan.FromSeconds(60));
        var events = await host.Store.QuerySession().Events.FetchStreamAsync(submitted.Id, token: Ct);
        events.Select(e => e.Data).OfType<RequestExpired>().ShouldBeEmpty();
    }
}
