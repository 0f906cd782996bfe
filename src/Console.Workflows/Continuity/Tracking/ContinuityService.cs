using Console.Workflows.Alerts.Raising;
using Console.Workflows.Attestation;
using Console.Workflows.Attestation.Verifying;
using Console.Workflows.Common;
using Console.Workflows.Nfv;
using Marten;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Continuity.Tracking;

/// <summary>An instance's report that it is alive: which instance, of which VNF, where, on the state of which epoch.</summary>
public sealed record InstanceHeartbeat(Guid InstanceId, Guid VnfId, Guid EnvironmentId, long Epoch);

public enum HeartbeatVerdict
{
    /// <summary>The lease holder on the current epoch.</summary>
    Valid = 0,

    /// <summary>A fork or roll-back: recorded, alerted and fenced.</summary>
    ForkDetected = 1,

    /// <summary>The console has not established this VNF's continuity; nothing to compare with.</summary>
    UnknownVnf = 2,
}

public sealed record HeartbeatOutcome(HeartbeatVerdict Verdict, string Detail);

/// <summary>
/// The console's side of state continuity at run time: establishing a VNF's continuity from the instance the
/// infrastructure runs, judging heartbeats (fork detection and fencing), recording interruptions and re-attestation,
/// and declaring trust relationships. Every write goes through <see cref="ContinuityDecider"/> on the stream's
/// expected version.
/// </summary>
public interface IContinuityService
{
    /// <summary>The VNF's continuity, established from the infrastructure's instance when the console has none yet.</summary>
    Task<VnfContinuity?> EnsureEstablishedAsync(Guid vnfId, CancellationToken ct);

    Task<HeartbeatOutcome> HeartbeatAsync(InstanceHeartbeat heartbeat, CancellationToken ct);

    /// <summary>Records that the lease holder is interrupted (refusal if it does not hold the lease).</summary>
    Task<Refusal?> InterruptAsync(Guid vnfId, Guid instanceId, LifecycleInterruption interruption, string by, CancellationToken ct);

    /// <summary>
    /// The lease holder's machine ended without the console ending it (seen from its host): recorded as a crash
    /// (<see cref="InstanceInterrupted"/>, not trusted until re-attested) with a security alert naming what the host saw.
    /// Refused when the instance does not hold the lease (a fenced or replaced machine ending is no crash).
    /// </summary>
    Task<Refusal?> ReportCrashAsync(Guid vnfId, Guid instanceId, string detail, string by, CancellationToken ct);

    /// <summary>
    /// Verifies the lease holder's fresh evidence and, only if accepted, records <see cref="InstanceReattested"/>.
    /// </summary>
    Task<AttestationOutcome> ReattestAsync(Guid vnfId, Guid instanceId, CancellationToken ct);

    Task<Refusal?> DeclareTrustAsync(Guid verifierVnfId, Guid subjectVnfId, string purpose, string by, CancellationToken ct);

    /// <summary>
    /// Decides on the VNF's current continuity and appends the events on that version; if another writer moved the
    /// stream on meanwhile, decides again on the fresh state. Null when it went through (or there was nothing to do).
    /// </summary>
    Task<Refusal?> DecideAsync(Guid vnfId, Func<VnfContinuity, Decision> decide, CancellationToken ct);
}

public sealed class ContinuityService(
    IDocumentStore store,
    INfvInfrastructure infrastructure,
    IAttestationService attestation,
    TimeProvider time,
    ILogger<ContinuityService> logger) : IContinuityService
{
    private const int ConcurrencyRounds = 5;

    public async Task<VnfContinuity?> EnsureEstablishedAsync(Guid vnfId, CancellationToken ct)
    {
        if (await LoadAsync(vnfId, ct) is { } known)
            return known;
        if (await infrastructure.InitialInstanceAsync(vnfId, ct) is not { } instance)
            return null;

        var decision = ContinuityDecider.Establish(null, vnfId, instance.InstanceId, instance.EnvironmentId, time.GetUtcNow());
        if (!decision.Refused && await StartStreamOnceAsync(VnfContinuity.StreamIdFor(vnfId), decision.Events, ct))
            logger.LogInformation("Continuity of VNF {VnfId} established: instance {InstanceId}, epoch 1", vnfId, instance.InstanceId);

        return await LoadAsync(vnfId, ct);
    }

    /// <summary>
    /// Starts the stream unless it exists. The first executions of one VNF (sixteen run at once on a node, and other
    /// nodes run theirs) all find it missing at the same moment: they take turns on a transaction-scoped advisory lock
    /// named after the stream (<see cref="StreamTurn"/>), and each looks again once it holds the lock, so only the first
    /// starts it. Racing to the insert instead made the losers fail on the stream's primary key (an error in the log, and
    /// an attempt retried).
    /// </summary>
    private async Task<bool> StartStreamOnceAsync(Guid streamId, IReadOnlyList<object> events, CancellationToken ct) =>
        await StreamTurn.FirstAsync(store, streamId, async (session, _) =>
        {
            session.Events.StartStream<VnfContinuity>(streamId, events);
            await session.SaveChangesAsync(ct);
            return true;
        }, ct) is true;

    public async Task<HeartbeatOutcome> HeartbeatAsync(InstanceHeartbeat heartbeat, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(heartbeat);
        for (var round = 1; ; round++)
        {
            try
            {
                await using var session = store.LightweightSession();
                var stream = await session.Events.FetchForWriting<VnfContinuity>(VnfContinuity.StreamIdFor(heartbeat.VnfId), ct);
                if (stream.Aggregate is not { } state)
                    return new HeartbeatOutcome(HeartbeatVerdict.UnknownVnf, "The console has not established this VNF's continuity.");
                var decision = ContinuityDecider.Heartbeat(state, heartbeat.InstanceId, heartbeat.EnvironmentId, heartbeat.Epoch, time.GetUtcNow());
                if (decision.Events.OfType<ForkDetected>().SingleOrDefault() is not { } fork)
                    return new HeartbeatOutcome(HeartbeatVerdict.Valid, $"Lease holder on epoch {state.Epoch}.");

                stream.AppendMany(decision.Events);
                session.Raise(SecurityAlerts.Of(fork));
                await session.SaveChangesAsync(ct);
                logger.LogWarning("Fork detected on VNF {VnfId}: instance {InstanceId}: {Detail}", heartbeat.VnfId, heartbeat.InstanceId, fork.Detail);
                await infrastructure.FenceAsync(new FenceOrder(heartbeat.VnfId, heartbeat.InstanceId, fork.Detail), ct);
                return new HeartbeatOutcome(HeartbeatVerdict.ForkDetected, fork.Detail);
            }
            catch (Exception ex) when (IsConcurrency(ex) && round < ConcurrencyRounds)
            {
                // Another heartbeat or an execution moved the stream on: judge against the fresh state.
            }
        }
    }

    public Task<Refusal?> InterruptAsync(Guid vnfId, Guid instanceId, LifecycleInterruption interruption, string by, CancellationToken ct) =>
        DecideAsync(vnfId, state => ContinuityDecider.Interrupt(state, instanceId, interruption, by, time.GetUtcNow()), ct);

    public async Task<Refusal?> ReportCrashAsync(Guid vnfId, Guid instanceId, string detail, string by, CancellationToken ct)
    {
        var refusal = await DecideAsync(vnfId,
            state => ContinuityDecider.Interrupt(state, instanceId, LifecycleInterruption.Crash, by, time.GetUtcNow()),
            (session, events) =>
            {
                foreach (var crash in events.OfType<InstanceInterrupted>())
                    session.Raise(SecurityAlerts.Crashed(crash, detail));
            }, ct);
        if (refusal is null)
            logger.LogWarning("Instance {InstanceId} of VNF {VnfId} crashed: {Detail}", instanceId, vnfId, detail);
        return refusal;
    }

    public async Task<AttestationOutcome> ReattestAsync(Guid vnfId, Guid instanceId, CancellationToken ct)
    {
        var outcome = await attestation.VerifyAsync(AttestedSubjectKind.VnfInstance, instanceId, vnfId, ct);
        if (!outcome.Accepted)
            return outcome;
        var evidence = $"Quote {outcome.Evidence?.Quote.Nonce[..Math.Min(16, outcome.Evidence.Quote.Nonce.Length)]}… signed by {outcome.Evidence?.KeyId}: {outcome.Detail}";
        var refusal = await DecideAsync(vnfId, state => ContinuityDecider.Reattested(state, instanceId, evidence, time.GetUtcNow()), ct);
        return refusal is null ? outcome : outcome with { Accepted = false, Detail = refusal.Message };
    }

    public async Task<Refusal?> DeclareTrustAsync(Guid verifierVnfId, Guid subjectVnfId, string purpose, string by, CancellationToken ct)
    {
        if (verifierVnfId == subjectVnfId)
            return Refusal.Because("A VNF does not verify itself.", RefusalKind.Invalid);
        if (await EnsureEstablishedAsync(verifierVnfId, ct) is null)
            return Refusal.Because("The verifier has no running instance; its continuity is not established.", RefusalKind.Invalid);
        return await DecideAsync(verifierVnfId, state =>
            state.Verifies.Any(r => r.SubjectVnfId == subjectVnfId && r.Purpose == purpose)
                ? Decision.Emit()
                : Decision.Emit(new TrustRelationshipDeclared(verifierVnfId, subjectVnfId, purpose, by, time.GetUtcNow())), ct);
    }

    public Task<Refusal?> DecideAsync(Guid vnfId, Func<VnfContinuity, Decision> decide, CancellationToken ct) =>
        DecideAsync(vnfId, decide, null, ct);

    /// <summary>As <see cref="DecideAsync(Guid, Func{VnfContinuity, Decision}, CancellationToken)"/>; <paramref name="alongside"/> stores what goes with the events in their transaction.</summary>
    private async Task<Refusal?> DecideAsync(
        Guid vnfId, Func<VnfContinuity, Decision> decide, Action<IDocumentSession, IReadOnlyList<object>>? alongside, CancellationToken ct)
    {
        for (var round = 1; ; round++)
        {
            try
            {
                await using var session = store.LightweightSession();
                var stream = await session.Events.FetchForWriting<VnfContinuity>(VnfContinuity.StreamIdFor(vnfId), ct);
                if (stream.Aggregate is not { } state)
                    return Refusal.Because("The console has not established this VNF's continuity.", RefusalKind.NotFound);
                var decision = decide(state);
                if (decision.Refusal is { } refusal)
                    return refusal;
                if (decision.Events.Count == 0)
                    return null;
                stream.AppendMany(decision.Events);
                alongside?.Invoke(session, decision.Events);
                await session.SaveChangesAsync(ct);
                return null;
            }
            catch (Exception ex) when (IsConcurrency(ex) && round < ConcurrencyRounds)
            {
            }
        }
    }

    private async Task<VnfContinuity?> LoadAsync(Guid vnfId, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<VnfContinuity>(VnfContinuity.StreamIdFor(vnfId), ct);
    }

    private static bool IsConcurrency(Exception ex) =>
        ex is JasperFx.ConcurrencyException or JasperFx.Events.EventStreamUnexpectedMaxEventIdException
        || (ex.InnerException is { } inner && IsConcurrency(inner));

}
