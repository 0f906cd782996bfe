using Console.Nfv.Qemu.Qmp;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Marten;
using Microsoft.Extensions.Logging;

namespace Console.Nfv.Qemu.Lab;

// The VNF's instances: the simulator keeps their record (epoch, run state, fenced); the lab runs the machine the live
// instance is, and acts on it through QMP.
public sealed partial class LabNfvInfrastructure
{
    /// <summary>
    /// The VNF's first instance. A VNF <c>Nfv:Lab:Deploy</c> names gets its machine booted on its environment's host
    /// when none runs for it yet; the others wait until an operation needs one, so a large inventory never boots at once.
    /// </summary>
    public async Task<VnfInstance?> InitialInstanceAsync(Guid vnfId, CancellationToken ct)
    {
        var initial = await simulator.InitialInstanceAsync(vnfId, ct);
        if (initial is null || !options.Value.Deploys((await VnfAsync(vnfId, ct)).Name))
            return initial;
        var live = (await simulator.InstancesAsync(vnfId, ct)).LastOrDefault(i => !i.Fenced && i.State != InstanceRunState.Stopped);
        if (live is not null && await LabHostOfAsync(live.EnvironmentId, ct) is { } host)
        {
            using var _ = await fleet.LockAsync(vnfId, ct);
            var slot = fleet.Slot(vnfId);
            if (slot.Machine is not { HasExited: false })
            {
                await fleet.BootAsync(slot, host, $"instance {live.InstanceId:D} of VNF {vnfId:D} is deployed", ct);
                slot.InstanceId = live.InstanceId;
                if (live.State == InstanceRunState.Paused)
                    await slot.Machine!.PauseAsync(ct);
            }
        }

        return initial;
    }

    /// <summary>
    /// The simulator unseals and records the new instance; the VNF's machines are that instance now: after a whole
    /// move the machines that migrated, after a partial one also the machines that stayed.
    /// </summary>
    public async Task<VnfInstance> UnsealAsync(UnsealOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        var instance = await simulator.UnsealAsync(order, ct);
        foreach (var slot in await SlotsOfAsync(order.VnfId, ct))
            slot.InstanceId = instance.InstanceId;
        return instance;
    }

    /// <summary>Fenced in the record, and the instance's machine ended when it still runs.</summary>
    public async Task<VnfInstance?> FenceAsync(FenceOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        var fenced = await simulator.FenceAsync(order, ct);
        if (fleet.Foreign.TryRemove(order.InstanceId, out var pid))
        {
            logger.LogWarning("Lab: killing process {Pid}, a machine of VNF {VnfId} the console did not start: {Reason}", pid, order.VnfId, order.Reason);
            LabHostWatch.Kill(pid);
            return fenced;
        }

        var slots = await SlotsOfAsync(order.VnfId, ct);
        using var _ = await fleet.LockAsync(order.VnfId, ct);
        foreach (var slot in slots.Where(s => s.InstanceId == order.InstanceId && s.Machine is not null))
        {
            logger.LogWarning("Lab: ending machine {Machine} of fenced instance {InstanceId}: {Reason}", slot.Machine!.Name, order.InstanceId, order.Reason);
            await slot.ReplaceAsync(null, ct);
        }

        return fenced;
    }

    /// <summary>The slots the lab keeps for the VNF's machines: its own and those of its components on machines of their own.</summary>
    private async Task<IReadOnlyList<LabSlot>> SlotsOfAsync(Guid vnfId, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        var keys = ((await query.LoadAsync<Vnf>(vnfId, ct))?.Components ?? []).Select(c => c.Id).Append(vnfId).ToHashSet();
        return [.. fleet.Slots.Where(s => keys.Contains(s.Key))];
    }

    /// <summary>
    /// The simulator checks the operation against the instance's state and records it once; the machine then does it
    /// (QMP stop, cont, quit, a fresh boot, system_reset). A repeat of an operation whose machine step failed does the
    /// machine step again without recording twice.
    /// </summary>
    public async Task<VnfInstance> LifecycleAsync(LifecycleOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (await DoneAsync(order.OperationId, ct) is not null)
            return await InstanceAsync(order.VnfId, order.InstanceId, ct);

        var instance = await simulator.LifecycleAsync(order, ct);
        if (await SimulatedOnlyAsync(ct, instance.EnvironmentId))
            return instance;
        var (environment, host) = await HostAsync(instance.EnvironmentId, ct);
        using (await fleet.LockAsync(order.VnfId, ct))
        {
            await OperateAsync(fleet.Slot(order.VnfId), environment, host, order, $"VNF {order.VnfId:D}'s machine", bootToPause: true, ct);
            await ComponentsFollowAsync(order, ct);
        }

        await RecordAsync(new LabOperation(order.OperationId, "Lifecycle", order.VnfId, instance.EnvironmentId, null,
            $"{order.Operation} of instance {order.InstanceId:D} on {host.Name}", time.GetUtcNow()), null, ct);
        return instance;
    }

    /// <summary>
    /// The VNF's components running apart, each on a machine of its own (on its own host after a partial move), are
    /// part of the instance: they pause, resume, stop, start and restart with it. A component machine the operation
    /// finds ended boots afresh on a start, resume or restart; a stop leaves its slot empty so a start boots it again.
    /// Called under the VNF's lock.
    /// </summary>
    private async Task ComponentsFollowAsync(LifecycleOrder order, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        if (await query.LoadAsync<Vnf>(order.VnfId, ct) is not { } vnf)
            return;
        foreach (var component in vnf.Components)
        {
            if (fleet.Slots.FirstOrDefault(s => s.Key == component.Id) is not { } slot)
                continue; // runs inside the VNF's own machine
            var (environment, host) = await HostAsync(vnf.PlacementOf(component), ct);
            await OperateAsync(slot, environment, host, order, $"component {component.Name}'s machine", bootToPause: false, ct);
        }
    }

    /// <summary>
    /// One machine of the instance does the operation (QMP stop, cont, system_reset, quit, or a fresh boot) and is
    /// labelled as the instance. <paramref name="bootToPause"/>: a pause boots a machine that does not run (the VNF's own,
    /// which the instance needs); a component machine that does not run is left as it is.
    /// </summary>
    private async Task OperateAsync(
        LabSlot slot, ExecutionEnvironment environment, QemuHost host, LifecycleOrder order, string what, bool bootToPause, CancellationToken ct)
    {
        var machine = slot.Machine is { HasExited: false } running ? running : null;
        try
        {
            switch (order.Operation)
            {
                case LifecycleOperation.Pause when machine is not null:
                    await machine.PauseAsync(ct);
                    break;
                case LifecycleOperation.Pause when bootToPause:
                    await (await fleet.BootAsync(slot, host, "not running before its pause", ct)).PauseAsync(ct);
                    break;
                case LifecycleOperation.Pause:
                    break;
                case LifecycleOperation.Resume when machine is not null:
                    await machine.ResumeAsync(ct);
                    break;
                case LifecycleOperation.Stop:
                    await slot.ReplaceAsync(null, ct);
                    break;
                case LifecycleOperation.Restart when machine is not null:
                    await machine.ResetAsync(ct);
                    break;
                default:
                    // Start, or a resume or restart of a machine that no longer runs: it boots afresh.
                    await slot.ReplaceAsync(null, ct);
                    await fleet.BootAsync(slot, host, $"{order.Operation} of instance {order.InstanceId:D} ({what})", ct);
                    break;
            }
        }
        catch (QmpException ex)
        {
            throw new InfrastructureException(
                $"The {order.Operation} of {what} on {host.Name} ({environment.Name}) failed: {ex.Message} Retry the request; the recorded state may be ahead of the machine until it succeeds.", ex);
        }

        slot.InstanceId = order.InstanceId;
    }


    private async Task<VnfInstance> InstanceAsync(Guid vnfId, Guid instanceId, CancellationToken ct) =>
        (await simulator.InstancesAsync(vnfId, ct)).FirstOrDefault(i => i.InstanceId == instanceId)
        ?? throw new InfrastructureException($"The infrastructure knows no instance {instanceId}.");

    private async Task<QemuHost?> LabHostOfAsync(Guid environmentId, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<ExecutionEnvironment>(environmentId, ct) is { } environment ? fleet.HostOf(environment) : null;
    }
}
