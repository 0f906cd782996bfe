using Console.Workflows.Inventory.Locating;
using Console.Workflows.Nfv;

namespace Console.UnitTests.Web.Fakes;

/// <summary>Machines the infrastructure reports per VNF, located with the real <see cref="VnfLocating"/> over the in-memory requests.</summary>
public sealed class FakeVnfLocationReader(InMemoryRequests requests) : IVnfLocationReader
{
    public Dictionary<Guid, List<MachinePlacement>> Machines { get; } = [];

    public bool Fails { get; set; }

    public Task<VnfLocation> GetAsync(Guid vnfId, CancellationToken ct = default) =>
        Fails
            ? throw new InfrastructureException("The lab hosts do not answer (test).")
            : Task.FromResult(VnfLocating.Locate(vnfId, Machines.GetValueOrDefault(vnfId) ?? [], requests.Requests.Values));
}
