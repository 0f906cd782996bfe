using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Console.Nfv.Qemu.Lab;

/// <summary>
/// Boots the VNFs <c>Nfv:Lab:Deploy</c> names as machines on their environments' hosts once the console runs, so the
/// lab shows real VMs before anyone acts; every other VNF in a lab environment boots when the console first needs its
/// instance (continuity established, a request executed).
/// </summary>
internal sealed class LabDeployment(
    IOptions<LabOptions> options, IDocumentStore store, INfvInfrastructure infrastructure, ILogger<LabDeployment> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // "*" deploys each VNF when the console first meets it, not all at once here.
        var names = options.Value.Deploy.Trim() == "*"
            ? []
            : options.Value.Deploy.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var name in names)
        {
            try
            {
                await using var query = store.QuerySession();
                var vnf = await query.Query<Vnf>().FirstOrDefaultAsync(v => v.Name == name, stoppingToken);
                if (vnf is null)
                {
                    logger.LogWarning("Lab: Nfv:Lab:Deploy names VNF {Name}, which the inventory does not hold", name);
                    continue;
                }

                await infrastructure.InitialInstanceAsync(vnf.Id, stoppingToken);
            }
            catch (InfrastructureException ex)
            {
                logger.LogWarning("Lab: VNF {Name} was not deployed: {Reason}", name, ex.Message);
            }
        }
    }
}
