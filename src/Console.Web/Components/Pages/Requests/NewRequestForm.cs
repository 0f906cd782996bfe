using Console.Web.Components.Shared.Requests;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Requests.Submitting;
using Console.Workflows.Snapshots;

namespace Console.Web.Components.Pages.Requests;

/// <summary>
/// The new-request form: what the person chose, what was read for it (environments, domains, policy, the VNF and its
/// snapshots), and what follows from the choice (the components the kind acts on, the approval the workflow will ask
/// for, the labels, the command). Field messages come from the workflow's own <see cref="RequestInput.Check"/>, which
/// the API answers with too; the page only shows them. No I/O here: the page reads and submits.
/// </summary>
public sealed class NewRequestForm
{
    /// <summary>The fields the form shows a message next to; a refusal's other messages are listed above the form.</summary>
    public static readonly string[] FieldKeys =
    [
        nameof(SubmitRequest.Kind), nameof(SubmitRequest.VnfId), nameof(SubmitRequest.ComponentIds),
        nameof(SubmitRequest.TargetEnvironmentId), nameof(SubmitRequest.SnapshotId), nameof(SubmitRequest.Justification),
        nameof(SubmitRequest.Window),
    ];

    private Dictionary<string, string[]> _errors = new(StringComparer.Ordinal);

    public RequestKind Kind { get; private set; } = RequestKind.Snapshot;

    public VnfListItem? VnfItem { get; private set; }

    public HashSet<Guid> Components { get; private set; } = [];

    public Guid? TargetEnvironmentId { get; private set; }

    public Guid? SnapshotId { get; private set; }

    public string Justification { get; private set; } = "";

    public DateTime? WindowStart { get; private set; }

    public DateTime? WindowEnd { get; private set; }

    public IReadOnlyList<ExecutionEnvironment> Environments { get; private set; } = [];

    public IReadOnlyDictionary<Guid, ExecutionEnvironment> EnvironmentsById { get; private set; } = new Dictionary<Guid, ExecutionEnvironment>();

    public IReadOnlyDictionary<Guid, TrustDomain> Domains { get; private set; } = new Dictionary<Guid, TrustDomain>();

    public ApprovalPolicy? Policy { get; private set; }

    public VnfDetails? Vnf { get; private set; }

    public IReadOnlyList<Snapshot> Snapshots { get; private set; } = [];

    public VnfContinuityView? Continuity { get; private set; }

    public Refusal? Refusal { get; private set; }

    public void Read(IReadOnlyList<ExecutionEnvironment> environments, IEnumerable<TrustDomain> domains, ApprovalPolicy policy)
    {
        Environments = environments;
        EnvironmentsById = environments.ToDictionary(e => e.Id);
        Domains = domains.ToDictionary(d => d.Id);
        Policy = policy;
    }

    /// <summary>The VNF chosen (null: none) with its available snapshots and continuity; all its components ticked.</summary>
    public void SelectVnf(VnfDetails? vnf, IEnumerable<Snapshot> snapshots, VnfContinuityView? continuity)
    {
        Vnf = vnf;
        Snapshots = vnf is null ? [] : [.. snapshots.Where(s => s.Status == SnapshotStatus.Available)];
        Components = vnf is null ? [] : [.. vnf.Components.Select(c => c.Component.Id)];
        SnapshotId = null;
        Continuity = vnf is null ? null : continuity;
        VnfItem = vnf is null
            ? null
            : new VnfListItem(vnf.Vnf.Id, vnf.Vnf.Name, vnf.Vnf.Type, vnf.Vnf.Vendor, vnf.Vnf.SoftwareVersion,
                vnf.Environment.Id, vnf.Environment.Name, vnf.Environment.TrustLevel, vnf.Vnf.HighestSensitivity,
                vnf.Vnf.Components.Count, []);
        ClearError(nameof(SubmitRequest.VnfId));
        ClearError(nameof(SubmitRequest.ComponentIds));
    }

    // ?kind=Migration&vnf=<id>&components=<id>,<id>&target=<id>&snapshot=<id>, as the VNF and snapshot pages link here;
    // the VNF itself is read by the page first. Anything unknown is left as it was.
    public static (RequestKind? Kind, Guid? VnfId) ReadKindAndVnf(Func<string, string?> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        RequestKind? kind = Enum.TryParse<RequestKind>(query("kind"), ignoreCase: true, out var k) && Enum.IsDefined(k) ? k : null;
        Guid? vnf = Guid.TryParse(query("vnf"), out var id) ? id : null;
        return (kind, vnf);
    }

    public void Prefill(RequestKind? kind, Func<string, string?> query)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (kind is { } chosen)
            Kind = chosen;
        var wanted = (query("components") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Guid.TryParse(s, out var id) ? id : Guid.Empty)
            .Where(id => Vnf?.Components.Any(c => c.Component.Id == id) == true)
            .ToList();
        if (wanted.Count > 0)
            Components = [.. wanted];
        if (Guid.TryParse(query("target"), out var targetId) && EnvironmentsById.ContainsKey(targetId))
            TargetEnvironmentId = targetId;
        if (Guid.TryParse(query("snapshot"), out var snapshotId) && Snapshots.Any(s => s.Id == snapshotId))
            SnapshotId = snapshotId;
    }

    public void SetKind(RequestKind kind) => Set(nameof(SubmitRequest.Kind), () => Kind = kind);

    public void SetTarget(Guid? target) => Set(nameof(SubmitRequest.TargetEnvironmentId), () => TargetEnvironmentId = target);

    public void SetSnapshot(Guid? snapshot) => Set(nameof(SubmitRequest.SnapshotId), () => SnapshotId = snapshot);

    public void SetJustification(string? text) => Set(nameof(SubmitRequest.Justification), () => Justification = text ?? "");

    public void SetWindow(DateTime? start, DateTime? end) => Set(nameof(SubmitRequest.Window), () => (WindowStart, WindowEnd) = (start, end));

    public bool AllSelected => Vnf is not null && Vnf.Components.All(c => Components.Contains(c.Component.Id));

    public void SelectAll(bool on) => Set(nameof(SubmitRequest.ComponentIds),
        () => Components = on && Vnf is not null ? [.. Vnf.Components.Select(c => c.Component.Id)] : []);

    public void Toggle(Guid id, bool on) => Set(nameof(SubmitRequest.ComponentIds), () =>
    {
        if (on)
            Components.Add(id);
        else
            Components.Remove(id);
    });

    /// <summary>Snapshots and migrations act on the components chosen; the other kinds on a snapshot's or the whole VNF.</summary>
    public bool PicksComponents => Kind is RequestKind.Snapshot or RequestKind.Migration;

    public bool UsesSnapshot => Kind is RequestKind.SnapshotDeletion or RequestKind.Restore;

    public IReadOnlyList<ComponentDetails> SelectedComponents =>
        Vnf is null ? []
        : UsesSnapshot ? [.. Vnf.Components.Where(c => SelectedSnapshot?.Components.Any(s => s.ComponentId == c.Component.Id) == true)]
        : Kind.IsLifecycle() ? Vnf.Components
        : [.. Vnf.Components.Where(c => Components.Contains(c.Component.Id))];

    public ExecutionEnvironment? Target =>
        Kind == RequestKind.Migration && TargetEnvironmentId is { } id ? EnvironmentsById.GetValueOrDefault(id) : null;

    public Snapshot? SelectedSnapshot => Snapshots.FirstOrDefault(s => s.Id == SnapshotId);

    public ExecutionEnvironment? EnvironmentOf(VnfComponent component) =>
        Vnf is null ? null : EnvironmentsById.GetValueOrDefault(Vnf.Vnf.PlacementOf(component));

    /// <summary>The same rule the workflow applies at submission, so the preview says what will be asked of approvers.</summary>
    public ApprovalRequirement? PreviewRequirement()
    {
        if (Vnf is null || Policy is null || (UsesSnapshot && SelectedSnapshot is null))
            return null;
        var components = SelectedComponents;
        if (components.Count == 0)
            return null;

        var source = Vnf.Vnf.PlacementOf(components[0].Component);
        var content = new RequestContent(Kind, Vnf.Vnf.Id, [.. components.Select(c => c.Component.Id)], source,
            Target?.Id, SelectedSnapshot?.Id, Policy.Revision);
        return ApprovalRules.RequirementFor(content, new SubmissionFacts(Vnf.Vnf, EnvironmentsById, Domains, Policy, SelectedSnapshot));
    }

    /// <summary>Moving components to where they already run is no move; the workflow would refuse it.</summary>
    public bool RunsThereAlready(Guid environmentId) =>
        Vnf is not null && SelectedComponents.Count > 0 && SelectedComponents.All(c => Vnf.Vnf.PlacementOf(c.Component) == environmentId);

    public string EnvironmentLabel(Guid? id)
    {
        if (id is not { } value || !EnvironmentsById.TryGetValue(value, out var environment))
            return "";
        var operatedBy = environment.OperatorDomainId is { } domainId && Domains.TryGetValue(domainId, out var domain)
            ? $", operated by {domain.Name}"
            : "";
        return $"{environment.Name} (trust {environment.TrustLevel}{operatedBy})";
    }

    public string SnapshotLabel(Guid? id) =>
        Snapshots.FirstOrDefault(s => s.Id == id) is { } snapshot
            ? $"{RequestText.At(snapshot.CompletedAt)} · {snapshot.Components.Count} components · {snapshot.Id.ToString()[..8]}"
            : "";

    /// <summary>
    /// The command to submit, or null with the field messages set: the workflow's own input rules (the API answers the
    /// same), plus the form's own: no box ticked is not "all components".
    /// </summary>
    public SubmitRequest? Check(DateTimeOffset now)
    {
        Refusal = null;
        _errors = RequestInput.Check(
                new RequestDraft(Kind, Vnf?.Vnf.Id, TargetEnvironmentId, SnapshotId, Justification, Utc(WindowStart), Utc(WindowEnd)), now)
            .ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        if (Vnf is not null && PicksComponents && Components.Count == 0)
            _errors[nameof(SubmitRequest.ComponentIds)] = ["Select at least one component."];
        if (_errors.Count > 0 || Vnf is null)
            return null;

        return new SubmitRequest(
            Kind,
            Vnf.Vnf.Id,
            !PicksComponents || AllSelected ? [] : [.. Vnf.Components.Select(c => c.Component.Id).Where(Components.Contains)],
            Kind == RequestKind.Migration ? TargetEnvironmentId : null,
            UsesSnapshot ? SnapshotId : null,
            Justification.Trim(),
            Utc(WindowStart) is { } start && Utc(WindowEnd) is { } end ? new ChangeWindow(start, end) : null);
    }

    /// <summary>
    /// The form as a pending request stands, to amend it (after <see cref="Read"/> and <see cref="SelectVnf"/> of its
    /// VNF): its kind, snapshot, components, target, justification and window. Kind, VNF and snapshot stay as they are.
    /// </summary>
    public void Amending(ChangeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        Kind = request.Content.Kind;
        SnapshotId = request.Content.SnapshotId;
        if (Vnf is not null && PicksComponents)
            Components = [.. request.Content.ComponentIds.Where(id => Vnf.Components.Any(c => c.Component.Id == id))];
        TargetEnvironmentId = request.Content.TargetEnvironmentId;
        Justification = request.Justification;
        (WindowStart, WindowEnd) = (request.Window?.Start.UtcDateTime, request.Window?.End.UtcDateTime);
        Refusal = null;
        _errors.Clear();
    }

    /// <summary>The amendment of <paramref name="request"/> as the form stands, or null with the field messages set (as <see cref="Check"/>).</summary>
    public AmendRequest? CheckAmendment(ChangeRequest request, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Check(now) is { } asked
            ? new AmendRequest(request.Id, request.Version, asked.ComponentIds, asked.TargetEnvironmentId, asked.Justification, asked.Window)
            : null;
    }

    /// <summary>The server refused: its field messages go next to the fields, the rest above the form.</summary>
    public void Refused(Refusal refusal)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        Refusal = refusal;
        _errors = refusal.FieldErrors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
    }

    public bool HasError(string key) => _errors.ContainsKey(key);

    public string? ErrorFor(string key) => _errors.TryGetValue(key, out var messages) ? string.Join(" ", messages) : null;

    private void ClearError(string key) => _errors.Remove(key);

    private void Set(string key, Action change)
    {
        change();
        ClearError(key);
    }

    private static DateTimeOffset? Utc(DateTime? at) =>
        at is { } value ? new DateTimeOffset(DateTime.SpecifyKind(value, DateTimeKind.Utc)) : null;
}
