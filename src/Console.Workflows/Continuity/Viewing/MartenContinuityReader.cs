using Console.Workflows.Alerts;
using Console.Workflows.Attestation;
using Console.Workflows.Inventory;
using Marten;

namespace Console.Workflows.Continuity.Viewing;

/// <summary>
/// Reads the inline <see cref="VnfContinuity"/>, <see cref="AttestationSubject"/> and <see cref="SecurityAlert"/>
/// documents; the history lists the one continuity stream's events in words.
/// </summary>
public sealed class MartenContinuityReader(IQuerySession session) : IContinuityReader
{
    public async Task<VnfContinuityView?> GetAsync(Guid vnfId, CancellationToken ct)
    {
        var state = await session.LoadAsync<VnfContinuity>(VnfContinuity.StreamIdFor(vnfId), ct);
        if (state is null)
            return null;

        var events = await session.Events.FetchStreamAsync(state.Id, token: ct);
        var history = new List<ContinuityHistoryEntry>();
        var epochs = new List<long>();
        foreach (var e in events)
        {
            if (Describe(e.Data, epochs) is { } entry)
                history.Add(entry with { Version = e.Version });
        }

        var instance = state.CurrentLease?.InstanceId;
        var subject = instance is { } id ? await session.LoadAsync<AttestationSubject>(id, ct) : null;
        var attestation = subject is null ? null : new AttestationSummary(
            subject.Id, subject.Kind, subject.KeyId, subject.ReferenceValues.Count, subject.LastVerification?.Accepted,
            subject.LastVerification?.Refusal, subject.LastVerification?.Detail, subject.LastVerification?.At, subject.Verifications, subject.Refusals);

        // Both directions: whom this VNF verifies (its own stream), and who verifies it.
        var verifiers = await session.Query<VnfContinuity>().Where(c => c.Verifies.Any(r => r.SubjectVnfId == vnfId)).ToListAsync(ct);
        var pairs = state.Verifies.Select(r => (Verifier: state, SubjectId: r.SubjectVnfId, r.Purpose))
            .Concat(verifiers.SelectMany(v => v.Verifies.Where(r => r.SubjectVnfId == vnfId).Select(r => (Verifier: v, SubjectId: vnfId, r.Purpose))))
            .ToList();
        var otherIds = pairs.SelectMany(p => new[] { p.Verifier.VnfId, p.SubjectId }).Append(vnfId).Distinct().ToList();
        var others = await session.LoadManyAsync<VnfContinuity>(ct, otherIds.Select(VnfContinuity.StreamIdFor).ToArray());
        var names = (await session.LoadManyAsync<Vnf>(ct, otherIds.ToArray())).ToDictionary(v => v.Id, v => v.Name);
        var byVnf = others.ToDictionary(c => c.VnfId);
        var relationships = pairs.Select(p =>
        {
            var subjectState = byVnf.GetValueOrDefault(p.SubjectId);
            var problems = new[] { Problem(p.Verifier, names), Problem(subjectState, names, p.SubjectId) }.OfType<string>().ToList();
            return new TrustRelationshipView(
                p.Verifier.VnfId, names.GetValueOrDefault(p.Verifier.VnfId, p.Verifier.VnfId.ToString()),
                p.SubjectId, names.GetValueOrDefault(p.SubjectId, p.SubjectId.ToString()), p.Purpose,
                problems.Count == 0, problems.Count == 0 ? "Established: both sides hold their lease and are attested." : string.Join(" ", problems));
        }).ToList();

        return new VnfContinuityView(
            vnfId, state.Epoch, state.CurrentLease, state.AwaitingReattestation, state.EpochHistory, state.Sealed, state.Fenced,
            history, attestation, relationships);
    }

    public async Task<SecurityAlertPage> AlertsAsync(SecurityAlertQuery query, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(query);
        var page = Math.Max(1, query.Page);
        var size = Math.Clamp(query.PageSize, 1, 200);
        IQueryable<SecurityAlert> alerts = session.Query<SecurityAlert>();
        if (query.Kind is { } kind)
            alerts = alerts.Where(a => a.Kind == kind);
        if (query.VnfId is { } vnfId)
            alerts = alerts.Where(a => a.VnfId == vnfId);
        if (query.State is { } state)
        {
            // "Open" is every alert not moved on, an alert without a handling document (stored before alerts were events) too.
            var handled = session.Query<AlertHandling>();
            var ids = (state == AlertState.Open
                ? await handled.Where(h => h.State != AlertState.Open).Select(h => h.Id).ToListAsync(ct)
                : await handled.Where(h => h.State == state).Select(h => h.Id).ToListAsync(ct)).ToArray();
            alerts = state == AlertState.Open ? alerts.Where(a => !ids.Contains(a.Id)) : alerts.Where(a => ids.Contains(a.Id));
        }

        var total = await alerts.CountAsync(ct);
        var rows = await alerts.OrderByDescending(a => a.At).Skip((page - 1) * size).Take(size).ToListAsync(ct);
        var vnfIds = rows.Select(r => r.VnfId).OfType<Guid>().Distinct().ToArray();
        var names = vnfIds.Length == 0 ? [] : (await session.LoadManyAsync<Vnf>(ct, vnfIds)).ToDictionary(v => v.Id, v => v.Name);
        var handling = rows.Count == 0 ? [] : (await session.LoadManyAsync<AlertHandling>(ct, rows.Select(r => r.Id))).ToDictionary(h => h.Id);
        return new SecurityAlertPage(
            [.. rows.Select(r => new SecurityAlertRow(r.Id, r.Kind, r.VnfId, r.VnfId is { } v ? names.GetValueOrDefault(v) : null,
                r.SubjectId, r.Reason, r.Detail, r.At) { Handling = handling.GetValueOrDefault(r.Id) })],
            total, page, size);
    }

    private static string? Problem(VnfContinuity? side, IReadOnlyDictionary<Guid, string> names, Guid? id = null)
    {
        var name = names.GetValueOrDefault(side?.VnfId ?? id ?? Guid.Empty, "the other VNF");
        return side switch
        {
            null => $"{name} has no established state continuity.",
            { CurrentLease: null } => $"{name} has no instance holding a valid lease.",
            { AwaitingReattestation: true } => $"{name} awaits re-attestation after an interruption.",
            _ => null,
        };
    }

    /// <param name="epochs">The epochs issued so far, in order; the last is the current one.</param>
    private static ContinuityHistoryEntry? Describe(object data, List<long> epochs)
    {
        var epoch = epochs.Count == 0 ? 0 : epochs[^1];
        switch (data)
        {
            case ContinuityEstablished e:
                epochs.Add(epoch = e.Epoch);
                return new(0, nameof(ContinuityEstablished), epoch, $"Continuity established: instance {Short(e.InstanceId)} holds the lease of epoch {e.Epoch}.",
                    e.InstanceId, e.EnvironmentId, null, e.By, e.At);
            case StateSealed e:
                return new(0, nameof(StateSealed), epoch, $"State of epoch {e.Epoch}{OfComponents(e.ComponentIds)} sealed at instance {Short(e.SourceInstanceId)} for migration, encrypted to key {e.SealedToKeyId}.",
                    e.SourceInstanceId, e.TargetEnvironmentId, null, e.By, e.At);
            case MigrationCommitted e:
                epochs.Add(epoch = e.NewEpoch);
                return new(0, nameof(MigrationCommitted), epoch, $"Migrated{OfComponents(e.ComponentIds)}: epoch {e.FromEpoch} → {e.NewEpoch}; instance {Short(e.TargetInstanceId)} holds the lease, {Short(e.SourceInstanceId)} is fenced.",
                    e.TargetInstanceId, e.TargetEnvironmentId, null, e.By, e.At);
            case MigrationAborted e:
                return new(0, nameof(MigrationAborted), epoch, $"Migration abandoned at epoch {e.Epoch}: {e.Reason}", null, null, null, e.By, e.At);
            case StateRestored e:
            {
                var lost = epochs.Where(x => x > e.SnapshotEpoch).ToList();
                epochs.Add(epoch = e.NewEpoch);
                var lostText = lost.Count == 0 ? "no later state is lost" : $"the state of epoch(s) {string.Join(", ", lost)} is lost";
                return new(0, nameof(StateRestored), epoch,
                    $"Rolled back to the snapshot of epoch {e.SnapshotEpoch}: it runs on the new epoch {e.NewEpoch}, never an old one; {lostText}; instance {Short(e.InstanceId)} must be re-attested.",
                    e.InstanceId, e.EnvironmentId, e.RequestId, e.By, e.At);
            }
            case InstanceInterrupted { Interruption: LifecycleInterruption.Crash } e:
                return new(0, nameof(InstanceInterrupted), epoch, $"Instance {Short(e.InstanceId)} crashed: its machine ended without the console ending it (seen by {e.By}); not trusted until re-attested.",
                    e.InstanceId, null, null, e.By, e.At);
            case InstanceInterrupted e:
                return new(0, nameof(InstanceInterrupted), epoch, $"Instance {Short(e.InstanceId)} interrupted ({e.Interruption}); not trusted until re-attested.",
                    e.InstanceId, null, null, e.By, e.At);
            case InstanceReattested e:
                return new(0, nameof(InstanceReattested), epoch, $"Instance {Short(e.InstanceId)} re-attested on epoch {e.Epoch}; trusted again.",
                    e.InstanceId, null, null, e.By, e.At);
            case ForkDetected e:
                return new(0, nameof(ForkDetected), epoch, $"Fork detected: instance {Short(e.InstanceId)} on epoch {e.ReportedEpoch}. {e.Detail} It was fenced.",
                    e.InstanceId, e.EnvironmentId, null, e.By, e.At);
            case TrustRelationshipDeclared e:
                return new(0, nameof(TrustRelationshipDeclared), epoch, $"Declared: verifies {Short(e.SubjectVnfId)} ({e.Purpose}).", null, null, null, e.By, e.At);
            default:
                return null;
        }
    }

    private static string Short(Guid id) => id.ToString("D")[..8];

    /// <summary>" (2 components)" for a partial move; nothing for the whole VNF.</summary>
    private static string OfComponents(IReadOnlyList<Guid>? componentIds) => componentIds switch
    {
        { Count: 1 } => " (1 component)",
        { Count: > 1 } => $" ({componentIds.Count} components)",
        _ => "",
    };
}
