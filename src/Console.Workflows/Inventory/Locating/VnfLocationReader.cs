using Console.Workflows.Nfv;
using Console.Workflows.Requests;
using Marten;

namespace Console.Workflows.Inventory.Locating;

/// <summary>The VNF's machines from the infrastructure port, its last completed migration from the requests.</summary>
public sealed class VnfLocationReader(IQuerySession session, INfvInfrastructure infrastructure) : IVnfLocationReader
{
    public async Task<VnfLocation> GetAsync(Guid vnfId, CancellationToken ct = default)
    {
        var migrations = await session.Query<ChangeRequest>()
            .Where(r => r.Content.VnfId == vnfId && r.Content.Kind == RequestKind.Migration && r.Status == RequestStatus.Completed)
            .OrderByDescending(r => r.LastChangedAt)
            .Take(1)
            .ToListAsync(ct);
        return VnfLocating.Locate(vnfId, await infrastructure.MachinesAsync(vnfId, ct), migrations);
    }
}
