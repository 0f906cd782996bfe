using System.Globalization;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Console.Workflows.Policy;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Snapshots;

namespace Console.Workflows.Requests.Executing;

/// <summary>The internal message that carries an approved request out (attempt 1, or n after a retry).</summary>
public sealed record ExecuteRequest(Guid RequestId, int Attempt);

/// <summary>
/// The execution steps as pure decisions: whether an attempt may start, whether the attestation evidence is good
/// enough, and the events that record the outcome. The handler does the I/O in between.
/// </summary>
public static class ExecutionDecider
{
    public const string By = "system:execution";

    /// <summary>
    /// Starts attempt 1 of an approved request, or attempt n of a failed one an operator asked to retry, inside the
    /// change window. Before the window opens it yields no events (see <see cref="WaitForWindow"/>); once the window
    /// has closed the request ends with <see cref="ExecutionWindowMissed"/>. Anything else (a duplicate message, a
    /// rejected, expired or cancelled request) yields no events.
    /// </summary>
    public static Decision Start(ChangeRequest state, int attempt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (!MayStart(state, attempt))
            return Decision.Emit();
        return ChangeWindows.PositionOf(state.Window, now) switch
        {
            WindowPosition.Ahead => Decision.Emit(),
            WindowPosition.Closed => Decision.Emit(new ExecutionWindowMissed(state.Id, attempt, state.Window!, By, now)),
            _ => Decision.Emit(new ExecutionStarted(state.Id, attempt, By, now)),
        };
    }

    /// <summary>
    /// How long this attempt must still wait for the change window to open; null when it is not waiting (it may start,
    /// or it is not to start at all).
    /// </summary>
    public static TimeSpan? WaitForWindow(ChangeRequest state, int attempt, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return MayStart(state, attempt) && ChangeWindows.PositionOf(state.Window, now) == WindowPosition.Ahead
            ? ChangeWindows.WaitBeforeStart(state.Window, now)
            : null;
    }

    private static bool MayStart(ChangeRequest state, int attempt)
    {
        var mayStart = state.Status switch
        {
            RequestStatus.Approved => attempt == 1 && state.ExecutionAttempts == 0,
            RequestStatus.Failed => state.RetryRequested && attempt == state.ExecutionAttempts + 1,
            _ => false,
        };
        // Re-check the bound requirement: an approval of an earlier content or a short quorum never executes.
        return mayStart && Quorum.IsMet(state);
    }

    /// <summary>The environment whose attestation decides: the target of a migration, otherwise where the VNF runs.</summary>
    public static Guid EnvironmentToAttest(ChangeRequest state)
    {
        ArgumentNullException.ThrowIfNull(state);
        return state.Content.Kind == RequestKind.Migration && state.Content.TargetEnvironmentId is { } target
            ? target
            : state.Content.SourceEnvironmentId;
    }

    /// <summary>The infrastructure's idempotency key: the same attempt of the same request is the same operation.</summary>
    public static Guid OperationId(Guid requestId, int attempt) =>
        NameBasedGuid.From($"vnf-console/operation/{requestId:D}/{attempt.ToString(CultureInfo.InvariantCulture)}");

    /// <summary>
    /// Whether <paramref name="operationId"/> is another attempt of this request than the <paramref name="current"/>
    /// one: attempts run one after the other, so it is an earlier one, and over.
    /// </summary>
    public static bool IsEarlierAttempt(ChangeRequest state, Guid operationId, Guid current)
    {
        ArgumentNullException.ThrowIfNull(state);
        return operationId != current && Enumerable.Range(1, state.ExecutionAttempts).Any(a => OperationId(state.Id, a) == operationId);
    }

    /// <summary>The id of the instance a migration or restore starts (one per operation, so a resumed attempt finds it).</summary>
    public static Guid InstanceIdFor(Guid operationId) => NameBasedGuid.From($"vnf-console/instance/{operationId:D}");

    /// <summary>Whether a migration moves the whole VNF (and so its instance and persistent state), not selected components.</summary>
    public static bool MovesWholeVnf(ChangeRequest state, Vnf vnf) => MigrationEvent(state, vnf, DateTimeOffset.MinValue) is VnfMoved;

    /// <summary>The id of the snapshot a snapshot request creates (one per request, whatever the attempt).</summary>
    public static Guid SnapshotIdFor(Guid requestId) => NameBasedGuid.From($"vnf-console/snapshot/{requestId:D}");

    /// <summary>
    /// Judges fresh attestation evidence: right environment, attested, our nonce, fresh enough, and trusted enough for
    /// every component under the policy in force now (the policy may have tightened since approval).
    /// </summary>
    public static (bool Passed, TargetAttestationChecked Event) JudgeAttestation(
        ChangeRequest state,
        AttestationReport report,
        string expectedNonce,
        PolicyDocument currentPolicy,
        IReadOnlyList<VnfComponent> components,
        DateTimeOffset now,
        TimeSpan maxEvidenceAge)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(currentPolicy);
        ArgumentNullException.ThrowIfNull(components);
        var environmentId = EnvironmentToAttest(state);
        var failure = Judge(environmentId, report, expectedNonce, currentPolicy, components, now, maxEvidenceAge);
        var detail = failure ?? $"Attested at trust level {report.TrustLevel}; nonce matched; evidence issued {report.IssuedAt:u} ({Age(now - report.IssuedAt)} old).";
        return (failure is null, new TargetAttestationChecked(state.Id, environmentId, failure is null, detail, By, now) { Nonce = expectedNonce });
    }

    private static string? Judge(
        Guid environmentId, AttestationReport report, string expectedNonce, PolicyDocument policy,
        IReadOnlyList<VnfComponent> components, DateTimeOffset now, TimeSpan maxEvidenceAge)
    {
        if (report.EnvironmentId != environmentId)
            return $"The attestation came from environment {report.EnvironmentId}, not from {environmentId} that was asked.";
        if (!report.Attested)
            return $"The environment is not attested: {(string.IsNullOrWhiteSpace(report.Detail) ? "no reason given" : report.Detail)}.";
        if (string.IsNullOrEmpty(expectedNonce) || !string.Equals(report.Nonce, expectedNonce, StringComparison.Ordinal))
            return "The attestation evidence does not carry the nonce the console sent; it may be replayed.";
        var age = now - report.IssuedAt;
        if (age > maxEvidenceAge)
            return $"The attestation evidence is {Age(age)} old; at most {Age(maxEvidenceAge)} is accepted.";
        if (age < -TimeSpan.FromMinutes(5))
            return $"The attestation evidence claims to be issued {Age(-age)} in the future; check the environment's clock.";
        var tooLow = components
            .Where(c => !Placement.Satisfied(c.Sensitivity, report.TrustLevel, policy))
            .OrderByDescending(c => c.Sensitivity)
            .ToList();
        if (tooLow.Count > 0)
            return string.Join(" ", tooLow.Select(c =>
                $"{c.Name} is {c.Sensitivity} and needs trust level {Placement.RequiredTrustLevel(c.Sensitivity, policy)} under the current policy; the environment attests {report.TrustLevel}."));
        return null;
    }

    private static string Age(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{span.TotalDays:0.#} days"
        : span.TotalHours >= 1 ? $"{span.TotalHours:0.#} hours"
        : span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.#} minutes"
        : $"{Math.Max(0, span.TotalSeconds):0} seconds";

    /// <summary>Records the outcome of the running attempt; nothing if that attempt is not the one running.</summary>
    public static Decision Complete(ChangeRequest state, int attempt, string result, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return IsRunning(state, attempt)
            ? Decision.Emit(new ExecutionCompleted(state.Id, attempt, result, By, now))
            : Decision.Emit();
    }

    /// <summary>Records that the running attempt failed, with a reason an operator can act on.</summary>
    public static Decision Fail(ChangeRequest state, int attempt, string reason, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return IsRunning(state, attempt)
            ? Decision.Emit(new ExecutionFailed(state.Id, attempt, reason, By, now))
            : Decision.Emit();
    }

    private static bool IsRunning(ChangeRequest state, int attempt) =>
        state.Status == RequestStatus.Executing && state.ExecutionAttempts == attempt;

    /// <summary>The components the request acts on, as the VNF has them now.</summary>
    public static IReadOnlyList<VnfComponent> ComponentsOf(ChangeRequest state, Vnf vnf)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(vnf);
        var ids = state.Content.ComponentIds.ToHashSet();
        return [.. vnf.Components.Where(c => ids.Contains(c.Id))];
    }

    /// <summary>
    /// The Vnf stream's event for a completed migration: VnfMoved when the whole VNF moves, else ComponentsMoved.
    /// </summary>
    public static object MigrationEvent(ChangeRequest state, Vnf vnf, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(vnf);
        var target = state.Content.TargetEnvironmentId
            ?? throw new InvalidOperationException("A migration request always has a target environment.");
        var reason = $"Migration request {state.Id:D}";
        var moved = state.Content.ComponentIds.ToHashSet();
        var whole = vnf.Components.All(c => moved.Contains(c.Id)) && vnf.Components.All(c => c.EnvironmentId is null);
        return whole
            ? new VnfMoved(vnf.Id, state.Content.SourceEnvironmentId, target, reason, By, now)
            : new ComponentsMoved(vnf.Id, [.. state.Content.ComponentIds], state.Content.SourceEnvironmentId, target, reason, By, now);
    }

    /// <summary>The Snapshot stream's first event for a completed snapshot request.</summary>
    public static SnapshotTaken SnapshotTakenEvent(ChangeRequest state, Vnf vnf, SnapshotArtefact artefact, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(vnf);
        ArgumentNullException.ThrowIfNull(artefact);
        var components = ComponentsOf(state, vnf)
            .Select(c => new SnapshotComponent(c.Id, c.Name, c.Sensitivity, c.TrustDomainId))
            .ToList();
        var approvedBy = Quorum.Progress(state).SelectMany(p => p.FilledBy).Select(a => a.ApproverId).ToList();
        return new SnapshotTaken(
            artefact.SnapshotId, vnf.Id, vnf.Name, components, state.Id, state.Content.SourceEnvironmentId,
            artefact.Location, artefact.ContentDigest, artefact.SizeBytes, state.RequesterId, approvedBy, By, now);
    }
}
