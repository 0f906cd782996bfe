using Console.Workflows.Attestation;
using Console.Workflows.Attestation.Verifying;
using Console.Workflows.Continuity.Tracking;
using Console.Workflows.Inventory;
using Console.Workflows.Keys;
using Console.Workflows.Nfv;
using Console.Workflows.Policy;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Protecting;
using Console.Workflows.Snapshots.Sweeping;
using Marten;
using Microsoft.Extensions.Logging;
using Wolverine;

namespace Console.Workflows.Requests.Executing;

/// <summary>
/// The steps every execution goes through, each committed before the next so the journal shows where it stands:
/// started (or resumed), target attestation checked, the kind's operation on the infrastructure
/// (<see cref="KindExecution"/>), then completed, with what the kind changes in the inventory in the same transaction,
/// or failed with the reason. A guard change is applied instead of operated.
/// </summary>
public sealed class ExecutionPipeline
{
    private readonly IDocumentStore _store;
    private readonly IAttestationService _attestation;
    private readonly TimeProvider _time;
    private readonly RequestWorkflowOptions _options;
    private readonly ILogger<ExecuteRequest> _logger;
    private readonly INfvInfrastructure _infrastructure;
    private readonly SnapshotServices _snapshots;
    private readonly ContinuityServices _states;
    private readonly ExecutionShare _share;

    public ExecutionPipeline(
        IDocumentStore store, INfvInfrastructure infrastructure, TimeProvider time, RequestWorkflowOptions options, IKeyStore keys,
        IManifestSigner signer, SecureDeletion deletion, IAttestationService attestation, IContinuityService continuity,
        ISnapshotRestoreGuard restoreGuard, ExecutionShare share, ILogger<ExecuteRequest> logger)
    {
        _share = share;
        _infrastructure = infrastructure;
        _store = store;
        _attestation = attestation;
        _time = time;
        _options = options;
        _logger = logger;
        _snapshots = new SnapshotServices(keys, signer, deletion);
        _states = new ContinuityServices(continuity, attestation, restoreGuard, store, time);
    }

    public async Task RunAsync(ExecuteRequest message, IMessageContext bus, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        // While people's commands run on this node, executions take turns (ExecutionShare); the infrastructure's
        // operations wait outside the turn.
        using var turn = _share.Begin();
        await turn.TakeAsync(ct);
        var request = await StartAsync(message, bus, ct);
        if (request is null)
            return;
        if (request.Content.Kind == RequestKind.GuardChange)
        {
            await Guards.Applying.ApplyGuardChangeHandler.ApplyAsync(_store, request, message.Attempt, _time, ct);
            return;
        }

        var attempt = message.Attempt;
        var (vnf, policy, snapshot) = await LoadAsync(request, ct);
        if (vnf is null && request.Content.Kind != RequestKind.SnapshotDeletion)
        {
            await FailAsync(_store, request.Id, attempt, "The VNF no longer exists in the inventory.", _time, ct);
            return;
        }

        var infrastructure = new InfrastructureOutsideTheTurn(_infrastructure, turn);
        var attested = await AttestAsync(request, attempt, vnf, policy, snapshot, infrastructure, ct);
        if (attested is null)
            return;

        try
        {
            var kinds = new KindExecutions(infrastructure, _snapshots, _states, _time);
            var operated = await kinds.For(request.Content.Kind).OperateAsync(
                new ExecutionRun(request, attempt, ExecutionDecider.OperationId(request.Id, attempt), vnf, attested), ct);
            await CompleteAsync(request, attempt, operated, ct);
        }
        catch (Exception ex) when (ex is InfrastructureException or KeyUnavailableException { MayPassOnRetry: false } or ExecutionRefusedException)
        {
            // A key search that missed (KeyUnavailableException.MayPassOnRetry) is not final: it goes to the handler's
            // retries, the same attempt resumed (a node that took over an execution may not see at once a key the
            // dead node made), and is recorded as failed only when they are spent.
            _logger.LogWarning("Request {RequestId} attempt {Attempt} failed in the infrastructure: {Reason}", request.Id, attempt, ex.Message);
            await FailAsync(_store, request.Id, attempt, ex.Message, _time, ct);
        }
    }

    /// <summary>
    /// Starts the attempt, or finds it already started by an earlier delivery that did not finish (resume). Returns
    /// null when there is nothing to do: a duplicate message, or a request that is no longer approved.
    /// </summary>
    private async Task<ChangeRequest?> StartAsync(ExecuteRequest message, IMessageContext bus, CancellationToken ct)
    {
        await using var session = _store.LightweightSession();
        var stream = await session.Events.FetchForWriting<ChangeRequest>(message.RequestId, ct);
        if (stream.Aggregate is not { } request)
            return null;

        var now = _time.GetUtcNow();
        var decision = ExecutionDecider.Start(request, message.Attempt, now);
        if (decision.Events.Count > 0)
        {
            stream.AppendMany(decision.Events);
            await session.SaveChangesAsync(ct);
            if (decision.Events[0] is ExecutionWindowMissed missed)
            {
                _logger.LogWarning("Request {RequestId} missed its change window {Window}", request.Id, ChangeWindows.Describe(missed.Window));
                return null;
            }

            return request.Apply((ExecutionStarted)decision.Events[0]);
        }

        // Delivered before its window opened (the clock moved, or a node's schedule ran early): back to the schedule.
        if (ExecutionDecider.WaitForWindow(request, message.Attempt, now) is { } wait)
        {
            _logger.LogInformation("Request {RequestId} waits {Wait} for its change window", request.Id, wait);
            await RequestHandler.HandOverAsync(message, bus, wait);
            return null;
        }

        // Same attempt already running, and the bound quorum still met: an interrupted delivery, carry on.
        if (request.Status == RequestStatus.Executing && request.ExecutionAttempts == message.Attempt
            && Approvals.Quorum.IsMet(request))
        {
            _logger.LogInformation("Resuming attempt {Attempt} of request {RequestId}", message.Attempt, request.Id);
            return request;
        }

        _logger.LogInformation(
            "Nothing to execute for request {RequestId} attempt {Attempt}: it is {Status}", request.Id, message.Attempt, request.Status);
        return null;
    }

    private async Task<(Vnf? Vnf, ApprovalPolicy Policy, Snapshot? Snapshot)> LoadAsync(ChangeRequest request, CancellationToken ct)
    {
        await using var query = _store.QuerySession();
        var vnf = await query.LoadAsync<Vnf>(request.Content.VnfId, ct);
        var policy = await query.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, ct)
            ?? throw new InvalidOperationException("No approval policy is in force; execution waits until there is one.");
        var snapshot = request.Content.SnapshotId is { } id ? await query.LoadAsync<Snapshot>(id, ct) : null;
        return (vnf, policy, snapshot);
    }

    /// <summary>
    /// Asks the environment for a quote over a fresh nonce, has the console verify it (signature, nonce, freshness,
    /// measurements; recorded on the environment's attestation stream), then judges the environment's trust level
    /// against the current policy and records the outcome on the request. Null when the attestation did not pass.
    /// </summary>
    private async Task<AttestationOutcome?> AttestAsync(
        ChangeRequest request, int attempt, Vnf? vnf, ApprovalPolicy policy, Snapshot? snapshot, INfvInfrastructure infrastructure,
        CancellationToken ct)
    {
        var environmentId = ExecutionDecider.EnvironmentToAttest(request);
        AttestationOutcome outcome;
        ExecutionEnvironment? environment;
        try
        {
            outcome = await _attestation.VerifyAsync(AttestedSubjectKind.Environment, environmentId, vnf?.Id, infrastructure, ct);
            await using var query = _store.QuerySession();
            environment = await query.LoadAsync<ExecutionEnvironment>(environmentId, ct);
        }
        catch (InfrastructureException ex)
        {
            await FailAsync(_store, request.Id, attempt, "The environment could not be attested: " + ex.Message, _time, ct);
            return null;
        }

        // The trust level is the inventory's; the evidence says whether the platform is the one registered, unaltered.
        var quote = outcome.Evidence?.Quote;
        var report = new AttestationReport(environmentId, outcome.Accepted, environment?.TrustLevel ?? TrustLevel.Untrusted,
            quote?.Nonce ?? "", quote?.IssuedAt ?? _time.GetUtcNow(), outcome.Detail);
        var components = ComponentsToJudge(request, vnf, snapshot);
        var now = _time.GetUtcNow();
        var (passed, checkedEvent) = ExecutionDecider.JudgeAttestation(
            request, report, outcome.Nonce, policy.Document, components, now, _options.AttestationMaxAge);

        await using var session = _store.LightweightSession();
        var stream = await session.Events.FetchForWriting<ChangeRequest>(request.Id, ct);
        if (stream.Aggregate is not { } current || current.Status != RequestStatus.Executing || current.ExecutionAttempts != attempt)
            return null;
        stream.AppendOne(checkedEvent);
        if (!passed)
            stream.AppendMany(ExecutionDecider.Fail(current, attempt, "Target attestation failed: " + checkedEvent.Detail, now).Events);
        await session.SaveChangesAsync(ct);
        return passed ? outcome : null;
    }

    private static IReadOnlyList<VnfComponent> ComponentsToJudge(ChangeRequest request, Vnf? vnf, Snapshot? snapshot)
    {
        if (request.Content.Kind == RequestKind.SnapshotDeletion && snapshot is not null)
            return [.. snapshot.Components.Select(c => new VnfComponent(c.ComponentId, c.Name, c.Sensitivity, c.TrustDomainId))];
        // A restore or a lifecycle operation acts on the whole VNF.
        if (vnf is not null && request.Content.ComponentIds.Count == 0)
            return vnf.Components;
        return vnf is null ? [] : ExecutionDecider.ComponentsOf(request, vnf);
    }

    /// <summary>Records the completion together with what the kind changed in the inventory, in one transaction.</summary>
    private async Task CompleteAsync(ChangeRequest request, int attempt, KindOperated operated, CancellationToken ct)
    {
        await using var session = _store.LightweightSession();
        var stream = await session.Events.FetchForWriting<ChangeRequest>(request.Id, ct);
        if (stream.Aggregate is not { } current)
            return;
        var now = _time.GetUtcNow();
        var completed = ExecutionDecider.Complete(current, attempt, operated.Result, now);
        if (completed.Events.Count == 0)
            return;
        stream.AppendMany([.. completed.Events.Select(e => e is ExecutionCompleted done && operated.MeasuredDowntime is { } downtime
            ? done with { MeasuredDowntime = downtime }
            : e)]);
        if (operated.Record is { } record)
            await record(session, current, now, ct);
        await session.SaveChangesAsync(ct);
    }

    internal static async Task FailAsync(IDocumentStore store, Guid requestId, int attempt, string reason, TimeProvider time, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForWriting<ChangeRequest>(requestId, ct);
        if (stream.Aggregate is not { } current)
            return;
        stream.AppendMany(ExecutionDecider.Fail(current, attempt, reason, time.GetUtcNow()).Events);
        await session.SaveChangesAsync(ct);
    }
}
