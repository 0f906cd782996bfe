using System.Globalization;
using Console.Nfv.Qemu.Migrating;
using Console.Nfv.Qemu.Qmp;
using Console.Nfv.Simulator;
using Console.Workflows.Attestation;
using Console.Workflows.Inventory;
using Console.Workflows.Keys;
using Console.Workflows.Nfv;
using Marten;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Console.Nfv.Qemu.Lab;

/// <summary>
/// The NFV port against real QEMU machines (<c>Nfv:Infrastructure = Lab</c>): each execution environment is a lab
/// host, each VNF's live instance a machine on its environment's host, each component moved on its own a machine of
/// its own. Live migration is QEMU's TLS migration between hosts with certificates from the console's CA; snapshots
/// are memory snapshots the console encrypts on its side of the stream; lifecycle goes through QMP.
/// Attestation, enrolment, sealing keys and the sealed state are the simulator's (composition: the lab hosts have no
/// TPMs of their own yet), and so is the record of instances (epoch, run state, fenced).
/// Idempotent on the operation id: the lab's operations are recorded in PostgreSQL (<see cref="LabOperation"/>).
/// </summary>
public sealed partial class LabNfvInfrastructure(
    SimulatedNfvInfrastructure simulator,
    LabFleet fleet,
    IDocumentStore store,
    IKeyStore keys,
    IOptions<LabOptions> options,
    TimeProvider time,
    ILogger<LabNfvInfrastructure> logger) : INfvInfrastructure
{
    public Task<AttestationEnrolment?> EnrolmentAsync(AttestedSubjectKind kind, Guid subjectId, CancellationToken ct) =>
        simulator.EnrolmentAsync(kind, subjectId, ct);

    public Task<AttestationEvidence> QuoteAsync(AttestedSubjectKind kind, Guid subjectId, string nonce, CancellationToken ct) =>
        simulator.QuoteAsync(kind, subjectId, nonce, ct);

    public Task<string> SealingKeyAsync(Guid environmentId, CancellationToken ct) => simulator.SealingKeyAsync(environmentId, ct);

    public Task<IReadOnlyList<VnfInstance>> InstancesAsync(Guid vnfId, CancellationToken ct) => simulator.InstancesAsync(vnfId, ct);

    /// <summary>The VNF's machines running now on the lab's hosts: its own and each component's on its own.</summary>
    public async Task<IReadOnlyList<MachinePlacement>> MachinesAsync(Guid vnfId, CancellationToken ct) =>
        [.. (await SlotsOfAsync(vnfId, ct))
            .Select(s => (s.Key, Machine: s.Machine))
            .Where(s => s.Machine is { HasExited: false })
            .Select(s => new MachinePlacement(s.Key == vnfId ? null : s.Key, s.Machine!.Host.Name, s.Machine.Name))];

    public Task<SealReceipt> SealStateAsync(SealOrder order, CancellationToken ct) => simulator.SealStateAsync(order, ct);

    /// <summary>The channel is TLS only when both hosts hold a migration certificate from the console's CA.</summary>
    public async Task<TransferChannel> TransferChannelAsync(Guid sourceEnvironmentId, Guid targetEnvironmentId, CancellationToken ct)
    {
        if (await SimulatedOnlyAsync(ct, sourceEnvironmentId, targetEnvironmentId))
            return await simulator.TransferChannelAsync(sourceEnvironmentId, targetEnvironmentId, ct);
        var (source, sourceHost) = await HostAsync(sourceEnvironmentId, ct);
        var (target, targetHost) = await HostAsync(targetEnvironmentId, ct);
        if (new[] { sourceHost, targetHost }.FirstOrDefault(h => !h.HasTlsCredentials) is { } plain)
            return new TransferChannel(source.Id, target.Id, false,
                $"plain TCP: lab host {plain.Name} holds no migration certificate from the console's CA");
        return new TransferChannel(source.Id, target.Id, true,
            $"QEMU TLS migration from lab host {sourceHost.Name} to {targetHost.Name} (certificates from the console's CA, both ends verified)");
    }

    /// <summary>
    /// Live-migrates the VNF's machine (or, for selected components, each component's own machine) from the source
    /// host to the target host over TLS; an unencrypted channel is refused before any state moves.
    /// </summary>
    public async Task<MigrationReceipt> MigrateAsync(MigrationOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (await DoneAsync(order.OperationId, ct) is { } done)
            return Receipt(done);
        if (await SimulatedOnlyAsync(ct, order.SourceEnvironmentId, order.TargetEnvironmentId))
            return await simulator.MigrateAsync(order, ct);

        var (source, sourceHost) = await HostAsync(order.SourceEnvironmentId, ct);
        var (target, targetHost) = await HostAsync(order.TargetEnvironmentId, ct);
        var channel = await TransferChannelAsync(source.Id, target.Id, ct);
        if (!channel.Encrypted)
            throw new InfrastructureException(
                $"The migration from {source.Name} to {target.Name} was refused before any state moved: {channel.Description}. Issue the host a certificate (Nfv:Lab:Hosts, Certificate) and retry.");

        using var _ = await fleet.LockAsync(order.VnfId, ct);
        var vnf = await VnfAsync(order.VnfId, ct);
        var downtime = TimeSpan.Zero;
        var total = TimeSpan.Zero;
        long bytes = 0;
        var moved = 0;
        foreach (var key in MachineKeys(vnf, order.ComponentIds))
        {
            var slot = fleet.Slot(key);
            var machine = slot.Machine is { HasExited: false } running && running.Host == sourceHost
                ? running
                : slot.Machine is { HasExited: false } elsewhere
                    ? throw new InfrastructureException(
                        $"{What(vnf, key)} runs on lab host {elsewhere.Host.Name}, not on {sourceHost.Name} where the request moves it from; reload the VNF and request again.")
                    : await fleet.BootAsync(slot, sourceHost, "not running before its migration", ct);
            var incoming = await fleet.StartAsync(targetHost, slot, incoming: true, ct);
            MigrationOutcome outcome;
            try
            {
                outcome = await LiveMigration.MigrateAsync(machine, incoming, LabFleet.FreePort(targetHost), ct);
            }
            catch (Exception ex) when (ex is QmpException or MigrationChannelRefusedException)
            {
                await incoming.DisposeAsync();
                throw new InfrastructureException(
                    $"The live migration of {What(vnf, key)} from {sourceHost.Name} to {targetHost.Name} failed: {ex.Message} It still runs on {sourceHost.Name}.", ex);
            }

            await slot.ReplaceAsync(incoming, ct);
            downtime += outcome.Downtime;
            total += outcome.Total;
            bytes += outcome.TransferredBytes;
            moved++;
        }

        var detail = string.Create(CultureInfo.InvariantCulture,
            $"{moved} machine(s) live-migrated from {sourceHost.Name} to {targetHost.Name} over TLS: downtime {downtime.TotalMilliseconds:0} ms, {bytes / (1024.0 * 1024):0.0} MiB in {total.TotalSeconds:0.00} s");
        var operation = new LabOperation(order.OperationId, "Migration", order.VnfId, target.Id, null, detail, time.GetUtcNow())
        {
            DowntimeMilliseconds = (long)downtime.TotalMilliseconds,
            TransferredBytes = bytes,
            TotalMilliseconds = (long)total.TotalMilliseconds,
        };
        return Receipt(await RecordAsync(operation, null, ct));
    }

    private static MigrationReceipt Receipt(LabOperation operation) =>
        new(operation.Id, operation.TargetEnvironmentId ?? Guid.Empty, operation.CompletedAt, operation.Detail)
        {
            Measured = operation.DowntimeMilliseconds is { } downtime
                ? new MigrationMeasurement(TimeSpan.FromMilliseconds(downtime), operation.TransferredBytes ?? 0,
                    TimeSpan.FromMilliseconds(operation.TotalMilliseconds ?? 0))
                : null,
        };

    /// <summary>
    /// The machines an order acts on: the VNF's own machine for the components that run with it, and a machine per
    /// component already apart or now moved apart on its own.
    /// </summary>
    private static IReadOnlyList<Guid> MachineKeys(Vnf vnf, IReadOnlyList<Guid> componentIds)
    {
        var wholeVnf = componentIds.Count == 0 || vnf.Components.All(c => componentIds.Contains(c.Id));
        if (wholeVnf)
            return [vnf.Id, .. vnf.Components.Where(c => c.EnvironmentId is not null && c.EnvironmentId != vnf.EnvironmentId).Select(c => c.Id)];
        return [.. componentIds];
    }

    private static string What(Vnf vnf, Guid key) =>
        key == vnf.Id ? $"VNF {vnf.Name}'s machine" : $"component {vnf.Components.FirstOrDefault(c => c.Id == key)?.Name ?? key.ToString()} of {vnf.Name}";

    private async Task<(ExecutionEnvironment Environment, QemuHost Host)> HostAsync(Guid environmentId, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        var environment = await query.LoadAsync<ExecutionEnvironment>(environmentId, ct)
            ?? throw new InfrastructureException($"The infrastructure knows no execution environment {environmentId}.");
        return (environment, fleet.RequireHostOf(environment));
    }

    /// <summary>
    /// Whether none of the environments is a lab host: the simulator serves them, so a console on the lab still
    /// operates the rest of its inventory. An operation between a lab host and a simulated environment is refused by
    /// <see cref="HostAsync"/>, naming the environment that has no host.
    /// </summary>
    private async Task<bool> SimulatedOnlyAsync(CancellationToken ct, params Guid[] environmentIds)
    {
        foreach (var environmentId in environmentIds)
            if (await LabHostOfAsync(environmentId, ct) is not null)
                return false;
        return true;
    }

    private async Task<Vnf> VnfAsync(Guid vnfId, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        return await query.LoadAsync<Vnf>(vnfId, ct) ?? throw new InfrastructureException($"The inventory knows no VNF {vnfId}.");
    }

    private async Task<LabOperation?> DoneAsync(Guid operationId, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        var done = await query.LoadAsync<LabOperation>(operationId, ct);
        if (done is not null)
            logger.LogInformation("Lab operation {OperationId} ({Kind}) was already carried out; returning its result", operationId, done.Kind);
        return done;
    }

    /// <summary>Records an operation (and its effects) once; of two racing with the same id the first one's stays.</summary>
    private async Task<LabOperation> RecordAsync(LabOperation operation, Action<IDocumentSession>? effects, CancellationToken ct)
    {
        try
        {
            await using var session = store.LightweightSession();
            session.Insert(operation);
            effects?.Invoke(session);
            await session.SaveChangesAsync(ct);
            logger.LogInformation("Lab {Kind} {OperationId}: {Detail}", operation.Kind, operation.Id, operation.Detail);
            return operation;
        }
        catch (Exception ex) when (SimulatedNfvInfrastructure.IsDuplicate(ex))
        {
            return await DoneAsync(operation.Id, ct)
                ?? throw new InfrastructureException($"Lab operation {operation.Id} collided with itself but cannot be found.", ex);
        }
    }
}
