using Console.Workflows.Inventory;
using Console.Workflows.Requests;

namespace Console.UnitTests.Web.Fakes;

/// <summary>
/// Requests the fake reader reads and the fake commands change. Every change goes through the request's own Apply
/// methods, bumps its version and adds a journal line, as the event stream would.
/// </summary>
public sealed class InMemoryRequests(InMemoryInventory inventory)
{
    private readonly Dictionary<Guid, List<JournalEntry>> _journals = [];
    private readonly Dictionary<Guid, List<(long Version, object Data)>> _events = [];

    public Dictionary<Guid, ChangeRequest> Requests { get; } = [];

    public InMemoryInventory Inventory => inventory;

    public ChangeRequest Get(Guid id) => Requests[id];

    public IReadOnlyList<JournalEntry> Journal(Guid id) => _journals[id];

    /// <summary>The request's events with their versions, as its stream would hold them.</summary>
    public IReadOnlyList<(long Version, object Data)> Events(Guid id) => _events[id];

    public ChangeRequest Add(RequestSubmitted submitted)
    {
        ArgumentNullException.ThrowIfNull(submitted);
        var request = ChangeRequest.Create(submitted) with { Version = 1 };
        Requests[request.Id] = request;
        _journals[request.Id] =
        [
            new JournalEntry(1, nameof(RequestSubmitted), submitted.RequesterName, submitted.At,
                $"Requested {submitted.Content.Kind} of {submitted.VnfName}: {submitted.Justification}"),
        ];
        _events[request.Id] = [(1, submitted)];
        return request;
    }

    /// <summary>Appends one event: the request changes as its Apply says, and the journal records who, when and what.</summary>
    public ChangeRequest Append(Guid id, object @event, string who, DateTimeOffset at, string summary)
    {
        ArgumentNullException.ThrowIfNull(@event);
        var current = Requests[id];
        var next = @event switch
        {
            RequestAmended e => current.Apply(e),
            ApprovalGranted e => current.Apply(e),
            RequestApproved e => current.Apply(e),
            RequestRejected e => current.Apply(e),
            RequestCancelled e => current.Apply(e),
            RequestExpired e => current.Apply(e),
            ExecutionStarted e => current.Apply(e),
            TargetAttestationChecked e => current.Apply(e),
            ExecutionCompleted e => current.Apply(e),
            ExecutionFailed e => current.Apply(e),
            ExecutionRetryRequested e => current.Apply(e),
            ExecutionWindowMissed e => current.Apply(e),
            _ => throw new ArgumentException($"Not a request event: {@event.GetType().Name}", nameof(@event)),
        };
        next = next with { Version = current.Version + 1 };
        Requests[id] = next;
        _journals[id].Add(new JournalEntry(next.Version, @event.GetType().Name, who, at, summary));
        _events[id].Add((next.Version, @event));
        return next;
    }

    public Vnf Vnf(Guid id) => inventory.Vnfs.Single(v => v.Id == id);

    public IReadOnlyList<VnfComponent> ComponentsOf(ChangeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var ids = request.Content.ComponentIds.ToHashSet();
        // As the real reader: a request on no VNF (a guard change) or a VNF gone has no components to show.
        var vnf = inventory.Vnfs.FirstOrDefault(v => v.Id == request.Content.VnfId);
        return vnf is null ? [] : [.. vnf.Components.Where(c => ids.Contains(c.Id))];
    }

    public string? EnvironmentName(Guid? id) => inventory.Environments.FirstOrDefault(e => e.Id == id)?.Name;
}
