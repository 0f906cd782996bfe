using Console.Workflows.Inventory;
using Marten;

namespace Console.Workflows.Continuity.Tracking;

/// <summary>
/// Catching up with the inventory: start-up and the infrastructure's heartbeat reporting both establish the continuity
/// of VNFs registered since they last looked.
/// </summary>
public static class ContinuityEstablishment
{
    /// <summary>Establishes the continuity of every VNF of the inventory that has none yet.</summary>
    public static async Task<int> EstablishAllAsync(IDocumentStore store, IContinuityService continuity, CancellationToken ct)
    {
        IReadOnlyList<Guid> vnfs;
        IReadOnlyList<Guid> tracked;
        await using (var query = store.QuerySession())
        {
            vnfs = await query.Query<Vnf>().Select(v => v.Id).ToListAsync(ct);
            tracked = await query.Query<VnfContinuity>().Select(c => c.VnfId).ToListAsync(ct);
        }

        var established = 0;
        foreach (var vnf in vnfs.Except(tracked))
        {
            if (await continuity.EnsureEstablishedAsync(vnf, ct) is not null)
                established++;
        }

        return established;
    }
}
