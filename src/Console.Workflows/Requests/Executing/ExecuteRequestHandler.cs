using Console.Workflows.Attestation;
using Console.Workflows.Attestation.Verifying;
using Console.Workflows.Common;
using Console.Workflows.Continuity.Tracking;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Console.Workflows.Policy;
using Console.Workflows.Keys;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Protecting;
using Console.Workflows.Snapshots.Retention;
using Console.Workflows.Snapshots.Sweeping;
using JasperFx.Core;
using Marten;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime;
using Wolverine.Runtime.Handlers;

namespace Console.Workflows.Requests.Executing;

/// <summary>
/// Carries an approved request out, step by step, each step committed before the next so the journal shows where it
/// stands: started, target attestation checked, then completed (with the inventory change in the same transaction) or
/// failed with the reason. Delivered through a durable local queue: if the node stops halfway, the message is
/// delivered again and the attempt resumes; the infrastructure's operation id makes the operation itself happen once.
/// </summary>
public static class ExecuteRequestHandler
{
    /// <summary>
    /// What happens when an attempt throws. Registered for <see cref="ExecuteRequest"/> by the workflow registration
    /// (not by Wolverine's naming convention) because the retry delays come from <see cref="RequestWorkflowOptions"/>.
    /// </summary>
    public static void ConfigureFailures(HandlerChain chain, RequestWorkflowOptions options)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(options);
        // A concurrent writer (an inventory edit, a duplicate delivery) moved a stream on: run again from fresh state.
        chain.OnException<JasperFx.ConcurrencyException>().RetryWithCooldown(100.Milliseconds(), 500.Milliseconds(), 2.Seconds());
        chain.OnException<JasperFx.Events.EventStreamUnexpectedMaxEventIdException>()
            .RetryWithCooldown(100.Milliseconds(), 500.Milliseconds(), 2.Seconds());
        // Anything else (the database briefly gone) would leave the request executing: try again, quickly and then
        // from the durable schedule, since every step is safe to repeat. When that is exhausted the failure is
        // recorded on the request, where an operator sees it and can retry; it does not vanish into a dead-letter
        // table with the request stuck in "Executing". A cancellation means this node is going down; the stored
        // message outlives it.
        chain.OnException(ex => ex is not OperationCanceledException, "unexpected failure")
            .RetryWithCooldown([.. options.RetryCooldowns])
            .Then.ScheduleRetry([.. options.ScheduledRetries])
            .Then.CustomAction(RecordGivingUpAsync, "record the execution as failed");
    }

    private static async ValueTask RecordGivingUpAsync(IWolverineRuntime runtime, IEnvelopeLifecycle lifecycle, Exception ex)
    {
        if (lifecycle.Envelope?.Message is ExecuteRequest message)
        {
            var services = runtime.Services;
            var reason = $"The execution kept failing and was given up after {lifecycle.Envelope.Attempts} attempts: {ex.Message}";
            services.GetRequiredService<ILogger<ExecuteRequest>>().LogError(
                ex, "Giving up request {RequestId} attempt {Attempt}", message.RequestId, message.Attempt);
            await FailAsync(
                services.GetRequiredService<IDocumentStore>(), message.RequestId, message.Attempt, reason,
                services.GetRequiredService<TimeProvider>(), CancellationToken.None);
        }

        await lifecycle.CompleteAsync();
    }

    public static async Task Handle(
        ExecuteRequest message,
        IDocumentStore store,
        INfvInfrastructure infrastructure,
        TimeProvider time,
        RequestWorkflowOptions options,
        IKeyStore keys,
        IManifestSigner signer,
        SecureDeletion deletion,
        IAttestationService attestation,
        IContinuityService continuity,
        ISnapshotRestoreGuard restoreGuard,
        ILogger<ExecuteRequest> logger,
        IMessageContext bus,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(infrastructure);
        ArgumentNullException.ThrowIfNull(options);

        var request = await StartAsync(store, message, time, logger, bus, ct);
        if (request is null)
            return;
        if (request.Content.Kind == RequestKind.GuardChange)
        {
            await Guards.Applying.ApplyGuardChangeHandler.ApplyAsync(store, request, message.Attempt, time, ct);
            return;
        }

        var attempt = message.Attempt;
        var (vnf, policy, snapshot) = await LoadAsync(store, request, ct);
        if (vnf is null && request.Content.Kind != RequestKind.SnapshotDeletion)
        {
            await FailAsync(store, request.Id, attempt, "The VNF no longer exists in the inventory.", time, ct);
            return;
        }

        var attested = await AttestAsync(store, attestation, request, attempt, vnf, policy, snapshot, time, options, ct);
        if (attested is null)
            return;

        try
        {
            var protection = new SnapshotServices(keys, signer, deletion);
            var states = new ContinuityServices(continuity, attestation, restoreGuard, store, time);
            await OperateAndCompleteAsync(store, infrastructure, protection, states, attested, request, attempt, vnf, time, ct);
        }
        catch (Exception ex) when (ex is InfrastructureException or KeyUnavailableException or ExecutionRefusedException)
        {
            logger.LogWarning("Request {RequestId} attempt {Attempt} failed in the infrastructure: {Reason}", request.Id, attempt, ex.Message);
            await FailAsync(store, request.Id, attempt, ex.Message, time, ct);
        }
    }

    /// <summary>
    /// Starts the attempt, or finds it already started by an earlier delivery that did not finish (resume). Returns
    /// null when there is nothing to do: a duplicate message, or a request that is no longer approved.
    /// </summary>
    private static async Task<ChangeRequest?> StartAsync(
        IDocumentStore store, ExecuteRequest message, TimeProvider time, ILogger logger, IMessageContext bus, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForWriting<ChangeRequest>(message.RequestId, ct);
        if (stream.Aggregate is not { } request)
            return null;

        var now = time.GetUtcNow();
        var decision = ExecutionDecider.Start(request, message.Attempt, now);
        if (decision.Events.Count > 0)
        {
            stream.AppendMany(decision.Events);
            await session.SaveChangesAsync(ct);
            if (decision.Events[0] is ExecutionWindowMissed missed)
            {
                logger.LogWarning("Request {RequestId} missed its change window {Window}", request.Id, ChangeWindows.Describe(missed.Window));
                return null;
            }

            return request.Apply((ExecutionStarted)decision.Events[0]);
        }

        // Delivered before its window opened (the clock moved, or a node's schedule ran early): back to the schedule.
        if (ExecutionDecider.WaitForWindow(request, message.Attempt, now) is { } wait)
        {
            logger.LogInformation("Request {RequestId} waits {Wait} for its change window", request.Id, wait);
            await RequestHandler.HandOverAsync(message, bus, wait);
            return null;
        }

        // Same attempt already running, and the bound quorum still met: an interrupted delivery, carry on.
        if (request.Status == RequestStatus.Executing && request.ExecutionAttempts == message.Attempt
            && Approvals.Quorum.IsMet(request))
        {
            logger.LogInformation("Resuming attempt {Attempt} of request {RequestId}", message.Attempt, request.Id);
            return request;
        }

        logger.LogInformation(
            "Nothing to execute for request {RequestId} attempt {Attempt}: it is {Status}", request.Id, message.Attempt, request.Status);
        return null;
    }

    private static async Task<(Vnf? Vnf, ApprovalPolicy Policy, Snapshot? Snapshot)> LoadAsync(
        IDocumentStore store, ChangeRequest request, CancellationToken ct)
    {
        await using var query = store.QuerySession();
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
    private static async Task<AttestationOutcome?> AttestAsync(
        IDocumentStore store, IAttestationService attestation, ChangeRequest request, int attempt, Vnf? vnf,
        ApprovalPolicy policy, Snapshot? snapshot, TimeProvider time, RequestWorkflowOptions options, CancellationToken ct)
    {
        var environmentId = ExecutionDecider.EnvironmentToAttest(request);
        AttestationOutcome outcome;
        ExecutionEnvironment? environment;
        try
        {
            outcome = await attestation.VerifyAsync(AttestedSubjectKind.Environment, environmentId, vnf?.Id, ct);
            await using var query = store.QuerySession();
            environment = await query.LoadAsync<ExecutionEnvironment>(environmentId, ct);
        }
        catch (InfrastructureException ex)
        {
            await FailAsync(store, request.Id, attempt, "The environment could not be attested: " + ex.Message, time, ct);
            return null;
        }

        // The trust level is the inventory's; the evidence says whether the platform is the one registered, unaltered.
        var quote = outcome.Evidence?.Quote;
        var report = new AttestationReport(environmentId, outcome.Accepted, environment?.TrustLevel ?? TrustLevel.Untrusted,
            quote?.Nonce ?? "", quote?.IssuedAt ?? time.GetUtcNow(), outcome.Detail);
        var components = ComponentsToJudge(request, vnf, snapshot);
        var now = time.GetUtcNow();
        var (passed, checkedEvent) = ExecutionDecider.JudgeAttestation(
            request, report, outcome.Nonce, policy.Document, components, now, options.AttestationMaxAge);

        await using var session = store.LightweightSession();
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

    /// <summary>
    /// Runs the operation (idempotent on the operation id) and records the completion together with what changed in
    /// the inventory, in one transaction. A snapshot gets one data key per trust domain before it is taken, and its
    /// retention and signed manifest with the snapshot itself; a deletion destroys the snapshot's keys and records the
    /// receipt.
    /// </summary>
    private static async Task OperateAndCompleteAsync(
        IDocumentStore store, INfvInfrastructure infrastructure, SnapshotServices snapshots, ContinuityServices states,
        AttestationOutcome attested, ChangeRequest request, int attempt, Vnf? vnf, TimeProvider time, CancellationToken ct)
    {
        var content = request.Content;
        var operationId = ExecutionDecider.OperationId(request.Id, attempt);
        SnapshotArtefact? artefact = null;
        IReadOnlyList<ManifestKey> snapshotKeys = [];
        SnapshotDeleted? receipt = null;
        string result;
        switch (content.Kind)
        {
            case RequestKind.Snapshot:
            {
                var snapshotId = ExecutionDecider.SnapshotIdFor(request.Id);
                var components = ExecutionDecider.ComponentsOf(request, vnf ?? throw new InvalidOperationException("A snapshot has a VNF."));
                // The snapshot's manifest records the epoch of the state it holds.
                await states.Continuity.EnsureEstablishedAsync(content.VnfId, ct);
                using (var dataKeys = await SnapshotProtection.CreateDataKeysAsync(snapshots.Keys, snapshotId, components, ct))
                {
                    artefact = await infrastructure.TakeSnapshotAsync(new SnapshotOrder(
                        operationId, snapshotId, content.VnfId, content.ComponentIds, content.SourceEnvironmentId, dataKeys.Parts), ct);
                    snapshotKeys = dataKeys.Keys;
                }

                result = $"Snapshot {artefact.SnapshotId:D} stored at {artefact.Location} ({artefact.SizeBytes / (1024 * 1024)} MiB), "
                    + $"encrypted with {snapshotKeys.Count} data key(s), one per trust domain.";
                break;
            }

            case RequestKind.Migration when vnf is not null && ExecutionDecider.MovesWholeVnf(request, vnf):
                // The whole VNF, and with it its instance and persistent state: through sealed epochs.
                result = $"Migrated: {await ContinuityExecution.MigrateAsync(infrastructure, states, request, operationId, attested, ct)}.";
                break;
            case RequestKind.Migration:
                // Selected components move; the VNF's instance, its state and its epoch stay where they are.
                var migration = await infrastructure.MigrateAsync(new MigrationOrder(
                    operationId, content.VnfId, content.ComponentIds, content.SourceEnvironmentId,
                    content.TargetEnvironmentId ?? throw new InvalidOperationException("A migration has a target.")), ct);
                result = $"Migrated: {migration.Detail}.";
                break;
            case RequestKind.Restore:
                result = await ContinuityExecution.RestoreAsync(infrastructure, states, request, operationId, ct);
                break;
            case var kind when kind.IsLifecycle():
                result = await ContinuityExecution.LifecycleAsync(infrastructure, states, request, operationId, ct);
                break;
            case RequestKind.SnapshotDeletion:
            {
                var snapshotId = content.SnapshotId ?? throw new InvalidOperationException("A deletion names its snapshot.");
                // A pin, hold or sweep landing at the same moment moves the stream on: judge the fresh state again.
                Snapshot? claimed = null;
                Refusal? refusal = null;
                for (var round = 0; round < 3 && claimed is null; round++)
                {
                    (claimed, refusal) = await snapshots.Deletion.ClaimAsync(snapshotId, s => DeletionDecider.StartByRequest(
                        s, request.Id, $"Deletion request {request.Id:D}: {request.Justification}", ExecutionDecider.By, time.GetUtcNow()), ct);
                    if (refusal?.Message != SnapshotGuards.ConflictMessage)
                        break;
                }

                if (refusal is { Kind: RefusalKind.NotFound })
                {
                    // Gone already (expired and swept while the request waited): the request's aim is met.
                    result = refusal.Message + " Nothing was left to delete.";
                    break;
                }

                if (claimed is null)
                    throw new ExecutionRefusedException("The snapshot cannot be deleted: " + refusal?.Message);
                receipt = await snapshots.Deletion.CarryOutAsync(claimed, ExecutionDecider.By, ct);
                result = $"Snapshot deleted: {receipt.DestroyedKeyIds?.Count ?? 0} data key(s) destroyed; {receipt.InfrastructureDetail}";
                break;
            }

            default:
                throw new InvalidOperationException($"Unknown request kind {content.Kind}.");
        }

        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForWriting<ChangeRequest>(request.Id, ct);
        if (stream.Aggregate is not { } current)
            return;
        var now = time.GetUtcNow();
        var completed = ExecutionDecider.Complete(current, attempt, result, now);
        if (completed.Events.Count == 0)
            return;
        stream.AppendMany(completed.Events);

        switch (content.Kind)
        {
            case RequestKind.Snapshot:
            {
                var currentVnf = await session.LoadAsync<Vnf>(content.VnfId, ct)
                    ?? throw new InfrastructureException("The VNF disappeared from the inventory while its snapshot was taken.");
                var policy = await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, ct)
                    ?? throw new InvalidOperationException("No approval policy is in force.");
                var taken = ExecutionDecider.SnapshotTakenEvent(current, currentVnf, artefact!, now);
                var epoch = await SnapshotProtection.StateEpochAsync(session, currentVnf.Id, ct);
                // One transaction: the snapshot never exists without its expiry and its signed manifest.
                session.Events.StartStream<Snapshot>(artefact!.SnapshotId,
                    taken,
                    RetentionRules.Assign(taken, policy, ExecutionDecider.By, now),
                    SnapshotProtection.Protect(taken, epoch, snapshotKeys, snapshots.Signer, now));
                break;
            }

            case RequestKind.Migration:
            {
                var vnfStream = await session.Events.FetchForWriting<Vnf>(content.VnfId, ct);
                var moved = vnfStream.Aggregate
                    ?? throw new InfrastructureException("The VNF disappeared from the inventory while it was migrated.");
                vnfStream.AppendOne(ExecutionDecider.MigrationEvent(current, moved, now));
                break;
            }

            case RequestKind.SnapshotDeletion when receipt is not null:
            {
                var snapshotStream = await session.Events.FetchForWriting<Snapshot>(content.SnapshotId!.Value, ct);
                if (snapshotStream.Aggregate is { Status: SnapshotStatus.Available })
                    snapshotStream.AppendOne(receipt with { At = now });
                break;
            }
        }

        await session.SaveChangesAsync(ct);
    }

    private static async Task FailAsync(IDocumentStore store, Guid requestId, int attempt, string reason, TimeProvider time, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var stream = await session.Events.FetchForWriting<ChangeRequest>(requestId, ct);
        if (stream.Aggregate is not { } current)
            return;
        stream.AppendMany(ExecutionDecider.Fail(current, attempt, reason, time.GetUtcNow()).Events);
        await session.SaveChangesAsync(ct);
    }
}

/// <summary>What execution needs to protect a snapshot it takes and to delete one securely.</summary>
internal sealed record SnapshotServices(IKeyStore Keys, IManifestSigner Signer, SecureDeletion Deletion);

/// <summary>The execution may not go on for a reason of the workflow's own (e.g. a legal hold), not the infrastructure's.</summary>
internal sealed class ExecutionRefusedException : Exception
{
    public ExecutionRefusedException(string message) : base(message)
    {
    }

    public ExecutionRefusedException()
    {
    }

    public ExecutionRefusedException(string message, Exception inner) : base(message, inner)
    {
    }
}
