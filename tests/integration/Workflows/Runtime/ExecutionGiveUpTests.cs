using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Keys;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Executing;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Runtime;

/// <summary>
/// An execution whose adapter keeps throwing something unexpected (a defect, not a reported failure) is retried and
/// then recorded as failed on the request, where the operator can see it and retry, instead of dying in a dead-letter
/// table while the request says "Executing" for ever.
/// </summary>
public sealed class ExecutionGiveUpTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Execute_WhenTheAdapterKeepsThrowing_RecordsExecutionFailedAfterTheLastRetry_AndARetryCanComplete()
    {
        await using var host = await WorkflowHost.StartAsync(database, new Dictionary<string, string?>
        {
            ["Workflow:ExecutionRetryCooldowns:0"] = "00:00:00.100",
            ["Workflow:ExecutionScheduledRetries:0"] = "00:00:00.500",
            ["Nfv:Simulator:DefectOperations"] = "Migration",
        });
        var s = await RuntimeScenario.CreateAsync(host.Store);
        var id = await SubmitAndApproveAsync(host, s, s.Migration(s.DcB, s.N2));

        var failed = await Eventually.Until(
            () => host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id)),
            d => d?.Request.Status == RequestStatus.Failed,
            "the request to be recorded as failed once the retries ran out",
            TimeSpan.FromSeconds(60));

        failed!.Request.Outcome.ShouldNotBeNull().ShouldContain("Simulated defect");
        await using (var query = host.Store.QuerySession())
        {
            var events = (await query.Events.FetchStreamAsync(id, token: Ct)).Select(e => e.Data).ToList();
            var failure = events.OfType<ExecutionFailed>().ShouldHaveSingleItem();
            failure.Reason.ShouldContain("given up");
            // Delivered more than once: the first attempt, a quick retry and a scheduled one, each attested afresh.
            events.OfType<TargetAttestationChecked>().Count().ShouldBeGreaterThanOrEqualTo(3);
            var vnf = (await query.LoadAsync<Vnf>(s.Vnf, Ct)).ShouldNotBeNull();
            vnf.PlacementOf(vnf.Components.Single(c => c.Id == s.N2)).ShouldBe(s.DcA);
        }

        host.Set("Nfv:Simulator:DefectOperations", "");
        var retried = await host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(new RetryExecution(id, failed.Request.Version, "The defect was fixed."), s.Operator));
        retried.Succeeded.ShouldBeTrue(retried.Refusal?.Message);
        await Eventually.Until(
            () => host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id)),
            d => d?.Request.Status == RequestStatus.Completed,
            "the retried execution to complete",
            TimeSpan.FromSeconds(60));
    }

    [Fact]
    public async Task Execute_WhenEachDeliveryOutlastsTheExecutionTimeout_IsRetriedAndThenRecordedAsFailedWithTheLimit_NotLeftExecuting()
    {
        await using var host = await WorkflowHost.StartAsync(database, new Dictionary<string, string?>
        {
            // The operation takes 4 s; a delivery may run 2 s (Wolverine's own limit, one minute, is what the default lifts).
            ["Workflow:ExecutionTimeout"] = "00:00:02",
            ["Nfv:Simulator:DelayMilliseconds"] = "4000",
            ["Workflow:ExecutionRetryCooldowns:0"] = "00:00:00.100",
            ["Workflow:ExecutionScheduledRetries:0"] = "00:00:00.500",
        });
        var s = await RuntimeScenario.CreateAsync(host.Store);
        var id = await SubmitAndApproveAsync(host, s, s.Snapshot(s.N2));

        var failed = await Eventually.Until(
            () => host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id)),
            d => d?.Request.Status == RequestStatus.Failed,
            "the request to be recorded as failed once every delivery ran out of time",
            TimeSpan.FromSeconds(60));

        failed!.Request.Outcome.ShouldNotBeNull().ShouldContain("did not finish within 00:00:02 (Workflow:ExecutionTimeout)");
        await using var query = host.Store.QuerySession();
        var events = (await query.Events.FetchStreamAsync(id, token: Ct)).Select(e => e.Data).ToList();
        events.OfType<ExecutionStarted>().Count().ShouldBe(1, "each delivery resumed the one attempt");
        events.OfType<TargetAttestationChecked>().Count().ShouldBeGreaterThanOrEqualTo(3);
    }

    /// <summary>
    /// A key search that misses once (SoftHSM2 before 2.7.0 now and then misses a key another node made, as on a node
    /// that took over an execution) goes to the retries and the snapshot completes; a key that is not there is final
    /// at once, with its reason, as before.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Execute_WhenTheKeyStoreRefusesOnce_ATransientMissIsRetriedAndCompletes_AMissingKeyFailsAtOnce(bool transient)
    {
        var keys = new RefusesOnce(transient);
        await using var host = await WorkflowHost.StartAsync(database, new Dictionary<string, string?>
        {
            ["Workflow:ExecutionRetryCooldowns:0"] = "00:00:00.100",
            ["Workflow:ExecutionScheduledRetries:0"] = "00:00:00.500",
        }, services: services => services.AddSingleton<IKeyEncryptionKeys>(sp => keys.Around(new LocalKeyEncryptionKeys(
            sp.GetRequiredService<KeyStoreOptions>(), sp.GetRequiredService<ILogger<LocalKeyEncryptionKeys>>()))));
        var s = await RuntimeScenario.CreateAsync(host.Store);
        var id = await SubmitAndApproveAsync(host, s, s.Snapshot(s.N2));

        var ended = await Eventually.Until(
            () => host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id)),
            d => d?.Request.Status is RequestStatus.Completed or RequestStatus.Failed,
            "the snapshot request to end",
            TimeSpan.FromSeconds(60));

        keys.Refused.ShouldBe(1);
        await using var query = host.Store.QuerySession();
        var events = (await query.Events.FetchStreamAsync(id, token: Ct)).Select(e => e.Data).ToList();
        events.OfType<ExecutionStarted>().Count().ShouldBe(1, "one attempt, resumed by the retry");
        if (transient)
        {
            ended!.Request.Status.ShouldBe(RequestStatus.Completed, ended.Request.Outcome);
            events.OfType<ExecutionFailed>().ShouldBeEmpty();
            events.OfType<TargetAttestationChecked>().Count().ShouldBe(2, "the first delivery and its retry, each attested afresh");
        }
        else
        {
            ended!.Request.Status.ShouldBe(RequestStatus.Failed);
            events.OfType<ExecutionFailed>().ShouldHaveSingleItem().Reason.ShouldBe(RefusesOnce.Reason);
            events.OfType<TargetAttestationChecked>().Count().ShouldBe(1, "a missing key is not retried");
        }
    }

    /// <summary>The key-encryption keys, refusing the first wrap (the first data key of the first snapshot).</summary>
    private sealed class RefusesOnce(bool transient)
    {
        public const string Reason = "Test: the token holds no KEK for this data key.";
        private int _wraps;

        /// <summary>How many wraps were refused: the first only.</summary>
        public int Refused => Math.Min(Volatile.Read(ref _wraps), 1);

        public IKeyEncryptionKeys Around(IKeyEncryptionKeys inner) => new Keys(this, inner);

        private KeyUnavailableException? Refusal() =>
            Interlocked.Increment(ref _wraps) != 1 ? null
            : transient ? KeyUnavailableException.Transient(Reason) : new KeyUnavailableException(Reason);

        private sealed class Keys(RefusesOnce owner, IKeyEncryptionKeys inner) : IKeyEncryptionKeys
        {
            public Task<WrappedKey> WrapAsync(Guid trustDomainId, string keyId, ReadOnlyMemory<byte> dataKey, CancellationToken ct = default) =>
                owner.Refusal() is { } refusal ? throw refusal : inner.WrapAsync(trustDomainId, keyId, dataKey, ct);

            public Task<byte[]> UnwrapAsync(Guid trustDomainId, string keyId, WrappedKey wrapped, CancellationToken ct = default) =>
                inner.UnwrapAsync(trustDomainId, keyId, wrapped, ct);

            public Task<KekDestruction> DestroyAsync(Guid trustDomainId, string keyId, CancellationToken ct = default) =>
                inner.DestroyAsync(trustDomainId, keyId, ct);
        }
    }

    /// <summary>The operator submits; one approver approves; returns the request's id.</summary>
    private static async Task<Guid> SubmitAndApproveAsync(WorkflowHost host, RuntimeScenario s, SubmitRequest submit)
    {
        var submitted = await host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(submit, s.Operator));
        submitted.Succeeded.ShouldBeTrue(submitted.Refusal?.Message);
        var pending = (await host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(submitted.Id))).ShouldNotBeNull().Request;
        var approved = await host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(
            new ApproveRequest(submitted.Id, pending.Version, pending.ContentDigest, null), host.SignedIn(RuntimeScenario.Approver(1))));
        approved.Succeeded.ShouldBeTrue(approved.Refusal?.Message);
        return submitted.Id;
    }
}
