namespace Console.Workflows.Audit.History;

public enum HistorySubjectKind
{
    Request,
    Vnf,
    Environment,
    TrustDomain,
    Snapshot,
}

/// <summary>
/// What the history remembers of a request, VNF, environment, trust domain or snapshot, as of the last event it read:
/// enough to file later events that carry only an id (an approval names its request, not the VNF or the domains).
/// Kept as a Marten document next to the history table and written in the same transaction as the rows.
/// </summary>
public sealed record HistorySubject(Guid Id, HistorySubjectKind Kind, string Name)
{
    /// <summary>Requests and snapshots: the VNF they concern.</summary>
    public Guid? VnfId { get; init; }

    public string? VnfName { get; init; }

    /// <summary>Requests and snapshots: the trust domains they involve; for other kinds, see the members below.</summary>
    public IReadOnlyList<Guid> TrustDomainIds { get; init; } = [];

    /// <summary>Requests and snapshots: the environments they involve.</summary>
    public IReadOnlyList<Guid> EnvironmentIds { get; init; } = [];

    /// <summary>VNFs: the environment the VNF runs in (components may run apart, see <see cref="Components"/>).</summary>
    public Guid? EnvironmentId { get; init; }

    /// <summary>Environments: the trust domain that operates it.</summary>
    public Guid? OperatorDomainId { get; init; }

    /// <summary>VNFs: the components, with their trust domain and where they run when apart from the VNF.</summary>
    public IReadOnlyList<HistoryComponent> Components { get; init; } = [];

    /// <summary>Trust domains of a VNF's components.</summary>
    public IReadOnlyList<Guid> ComponentDomains => [.. Components.Select(c => c.TrustDomainId).Distinct()];

    /// <summary>Environments a VNF runs in: its own and those of components placed apart.</summary>
    public IReadOnlyList<Guid> Placements =>
        [.. (EnvironmentId is { } home ? new[] { home } : []).Concat(Components.Select(c => c.EnvironmentId).OfType<Guid>()).Distinct()];
}

public sealed record HistoryComponent(Guid Id, string Name, Guid TrustDomainId, Guid? EnvironmentId);

/// <summary>
/// The subjects one page of events needs, loaded once per page and updated in memory as the page's events are read
/// in order; the changed ones are written back with the page's rows.
/// </summary>
public sealed class HistorySubjectBook
{
    private readonly Dictionary<Guid, HistorySubject> _subjects = [];
    private readonly HashSet<Guid> _changed = [];

    public HistorySubjectBook(IEnumerable<HistorySubject>? known = null)
    {
        foreach (var subject in known ?? [])
            _subjects[subject.Id] = subject;
    }

    public IEnumerable<HistorySubject> Changed => _changed.Select(id => _subjects[id]);

    public HistorySubject? Find(Guid? id, HistorySubjectKind kind) =>
        id is { } key && _subjects.TryGetValue(key, out var subject) && subject.Kind == kind ? subject : null;

    /// <summary>The name the history knows for a VNF, environment or trust domain; null when unknown.</summary>
    public string? NameOf(Guid? id) => id is { } key && _subjects.TryGetValue(key, out var subject) ? subject.Name : null;

    public void Put(HistorySubject subject)
    {
        ArgumentNullException.ThrowIfNull(subject);
        _subjects[subject.Id] = subject;
        _changed.Add(subject.Id);
    }
}
