using Console.Nfv.Simulator;
using Console.Workflows.Nfv;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Console.Nfv.Qemu.Lab;

/// <summary>
/// The choice of the console's NFV infrastructure adapter, <c>Nfv:Infrastructure</c>: <c>Simulator</c> (the default)
/// or <c>Lab</c> (real QEMU machines on the hosts <c>Nfv:Lab</c> describes, <see cref="LabOptions"/>).
/// </summary>
public static class LabRegistration
{
    public const string ChoiceKey = "Nfv:Infrastructure";

    /// <summary>The lab's own tables (operations done, snapshot artefacts); registered whichever adapter runs.</summary>
    public static StoreOptions AddNfvLab(this StoreOptions opts)
    {
        ArgumentNullException.ThrowIfNull(opts);
        opts.Schema.For<LabOperation>().DocumentAlias("nfv_lab_operation");
        opts.Schema.For<LabSnapshotArtefact>().DocumentAlias("nfv_lab_artefact");
        return opts;
    }

    /// <summary>Whether the configuration chooses the lab; anything but Simulator or Lab is refused by name.</summary>
    public static bool UsesLab(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var choice = configuration[ChoiceKey];
        if (string.IsNullOrWhiteSpace(choice) || string.Equals(choice, "Simulator", StringComparison.OrdinalIgnoreCase))
            return false;
        if (string.Equals(choice, "Lab", StringComparison.OrdinalIgnoreCase))
            return true;
        throw new InvalidOperationException($"{ChoiceKey} is '{choice}'; it must be Simulator (the default) or Lab.");
    }

    /// <summary>
    /// The chosen adapter as <see cref="INfvInfrastructure"/>. The lab keeps the simulator beside it for attestation,
    /// sealing and the record of instances, with no simulated delay unless <c>Nfv:Simulator:DelayMilliseconds</c> says so.
    /// </summary>
    public static IServiceCollection AddNfvInfrastructure(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddNfvSimulator(configuration);
        if (!UsesLab(configuration))
            return services;

        services.Configure<LabOptions>(configuration.GetSection(LabOptions.Section));
        services.PostConfigure<NfvSimulatorOptions>(o => o.DelayMilliseconds ??= 0);
        services.AddSingleton<SimulatedNfvInfrastructure>();
        services.AddSingleton<LabFleet>();
        services.RemoveAll<INfvInfrastructure>();
        services.AddSingleton<INfvInfrastructure, LabNfvInfrastructure>();
        services.AddHostedService<LabFleetStartup>();
        services.AddHostedService<LabDeployment>();
        services.AddHostedService<LabHostWatch>();
        services.AddSingleton<LabReconciliation>();
        services.AddHostedService(sp => sp.GetRequiredService<LabReconciliation>());
        return services;
    }

    /// <summary>Makes the lab's hosts, CA and certificates when the console starts, not at the first request.</summary>
    private sealed class LabFleetStartup(LabFleet fleet) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.FromResult(fleet.Hosts.Count);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
