using Console.Workflows.Nfv;
using Console.Workflows.Requests;

namespace Console.Workflows.Inventory.Locating;

/// <summary>
/// Where a VNF runs now as the infrastructure reports it (the host of its own machine and of each component running
/// in a machine of its own), and its last completed migration as the request recorded it.
/// </summary>
public sealed record VnfLocation(
    MachinePlacement? VnfMachine,
    IReadOnlyDictionary<Guid, MachinePlacement> ComponentMachines,
    LastMigration? LastMigration);

/// <summary>
/// The VNF's last completed migration: when it completed, where to, which components (none: the whole VNF) and the
/// guest's downtime the hypervisor measured (null where nothing was measured, as on the simulator).
/// </summary>
public sealed record LastMigration(
    Guid RequestId, DateTimeOffset CompletedAt, Guid? TargetEnvironmentId, IReadOnlyList<Guid> ComponentIds, TimeSpan? Downtime);

/// <summary>Read side of a VNF's location for its page. Pages depend on this, never on the infrastructure port.</summary>
public interface IVnfLocationReader
{
    Task<VnfLocation> GetAsync(Guid vnfId, CancellationToken ct = default);
}

public static class VnfLocating
{
    /// <summary>
    /// The location from the machines the infrastructure reports and the VNF's requests: the latest completed migration
    /// counts (a failed or pending one moved nothing); a component's machine is listed under the component.
    /// </summary>
    public static VnfLocation Locate(Guid vnfId, IEnumerable<MachinePlacement> machines, IEnumerable<ChangeRequest> requests)
    {
        ArgumentNullException.ThrowIfNull(machines);
        ArgumentNullException.ThrowIfNull(requests);
        var running = machines.ToList();
        var last = requests
            .Where(r => r.Content.VnfId == vnfId && r.Content.Kind == RequestKind.Migration && r.Status == RequestStatus.Completed)
            .MaxBy(r => r.LastChangedAt);
        return new VnfLocation(
            running.FirstOrDefault(m => m.ComponentId is null),
            running.Where(m => m.ComponentId is not null).GroupBy(m => m.ComponentId!.Value).ToDictionary(g => g.Key, g => g.First()),
            last is null ? null : new LastMigration(last.Id, last.LastChangedAt, last.Content.TargetEnvironmentId, last.Content.ComponentIds, last.MeasuredDowntime));
    }
}
