using System.Security.Cryptography;
using System.Text;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using JasperFx;
using Marten;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Console.Nfv.Simulator;

/// <summary>
/// The default <see cref="INfvInfrastructure"/>: a simulated NFV orchestrator that keeps its placements, operations and
/// snapshot artefacts in PostgreSQL, takes realistic time per operation and can be told by configuration
/// (<see cref="NfvSimulatorOptions"/>) to fail operations, present tampered, stale, forged or replayed evidence, or
/// report an unencrypted transfer channel. It also runs the VNF instances (epoch, run state, fenced) and holds each
/// subject's attestation and sealing keys, as a platform's TPM would. Environments mapped to a TPM
/// (<see cref="Tpm.TpmAttestationOptions"/>) attest with their TPM's real quotes instead.
/// A real orchestrator adapter (OSM, ONAP, a Kubernetes operator) implements the same port with the same contract:
/// idempotent on the operation id, failures as <see cref="InfrastructureException"/>.
/// </summary>
public sealed partial class SimulatedNfvInfrastructure(
    IDocumentStore store,
    TimeProvider time,
    IOptionsMonitor<NfvSimulatorOptions> options,
    Tpm.Tpm2ToolsAttester tpmAttester,
    ILogger<SimulatedNfvInfrastructure> logger) : INfvInfrastructure
{
    public async Task<SnapshotArtefact> TakeSnapshotAsync(SnapshotOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (await FindAsync(order.OperationId, ct) is { } done)
            return await ArtefactOfAsync(done, ct);

        var settings = options.CurrentValue;
        var startedAt = time.GetUtcNow();
        var environment = await EnvironmentAsync(order.EnvironmentId, ct);
        await JournalStartAsync(order.OperationId, SimulatedOperationKind.Snapshot, order.VnfId, settings, ct);
        await Task.Delay(OperationDelay(settings), time, ct);
        ThrowIfDefective(settings, SimulatedOperationKind.Snapshot);
        if (settings.Fails(SimulatedOperationKind.Snapshot))
            throw new InfrastructureException(
                $"The snapshot of the VNF's components in {environment.Name} failed: the storage back end refused the write (simulated failure).");

        var completedAt = time.GetUtcNow();
        var parts = (order.Parts ?? []).Select(p => Encrypt(order, p)).ToList();
        var digest = parts.Count > 0
            ? DigestOf(parts)
            : Digest($"{order.OperationId}|{order.VnfId}|{string.Join(',', order.ComponentIds)}");
        var artefact = new SimulatedSnapshotArtefact(
            order.SnapshotId, order.VnfId, order.ComponentIds, order.EnvironmentId,
            $"sim://{Slug(environment.Name)}/snapshots/{order.SnapshotId:N}", digest,
            SizeFrom(digest, order.ComponentIds.Count), completedAt, null) { Parts = parts };
        var operation = new SimulatedOperation(order.OperationId, SimulatedOperationKind.Snapshot, order.VnfId, order.ComponentIds,
            order.EnvironmentId, null, order.SnapshotId, $"Snapshot stored at {artefact.Location}", startedAt, completedAt);

        var recorded = await RecordAsync(operation, s => s.Store(artefact), ct);
        return await ArtefactOfAsync(recorded, ct);
    }

    public async Task<MigrationReceipt> MigrateAsync(MigrationOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (await FindAsync(order.OperationId, ct) is { } done)
            return Receipt(done);

        var settings = options.CurrentValue;
        var startedAt = time.GetUtcNow();
        var source = await EnvironmentAsync(order.SourceEnvironmentId, ct);
        var target = await EnvironmentAsync(order.TargetEnvironmentId, ct);
        var channel = await TransferChannelAsync(source.Id, target.Id, ct);
        if (!channel.Encrypted)
            throw new InfrastructureException(
                $"The migration from {source.Name} to {target.Name} was refused before any state moved: {channel.Description}.");
        await JournalStartAsync(order.OperationId, SimulatedOperationKind.Migration, order.VnfId, settings, ct);
        await Task.Delay(OperationDelay(settings), time, ct);
        ThrowIfDefective(settings, SimulatedOperationKind.Migration);
        if (settings.Fails(SimulatedOperationKind.Migration))
            throw new InfrastructureException(
                $"The migration from {source.Name} to {target.Name} failed: the target refused the live-migration handshake (simulated failure).");

        var completedAt = time.GetUtcNow();
        var operation = new SimulatedOperation(order.OperationId, SimulatedOperationKind.Migration, order.VnfId, order.ComponentIds,
            order.SourceEnvironmentId, order.TargetEnvironmentId, null,
            $"{order.ComponentIds.Count} component(s) now run in {target.Name}", startedAt, completedAt);
        var recorded = await RecordAsync(operation, s =>
        {
            foreach (var component in order.ComponentIds)
                s.Store(new SimulatedPlacement(component, order.VnfId, order.TargetEnvironmentId, order.OperationId, completedAt));
        }, ct);
        return Receipt(recorded);
    }

    public async Task<DeletionReceipt> DeleteSnapshotAsync(SnapshotDeletionOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        if (await FindAsync(order.OperationId, ct) is { } done)
            return new DeletionReceipt(done.Id, order.SnapshotId, done.CompletedAt, done.Detail);

        var settings = options.CurrentValue;
        var startedAt = time.GetUtcNow();
        await JournalStartAsync(order.OperationId, SimulatedOperationKind.SnapshotDeletion, null, settings, ct);
        await Task.Delay(OperationDelay(settings), time, ct);
        ThrowIfDefective(settings, SimulatedOperationKind.SnapshotDeletion);
        if (settings.Fails(SimulatedOperationKind.SnapshotDeletion))
            throw new InfrastructureException(
                "Deleting the snapshot artefact failed: the storage back end is read-only at the moment (simulated failure).");

        await using var query = store.QuerySession();
        var artefact = await query.LoadAsync<SimulatedSnapshotArtefact>(order.SnapshotId, ct);
        var completedAt = time.GetUtcNow();
        var detail = artefact is null || artefact.DeletedAt is not null
            ? "The artefact was already gone."
            : $"Artefact {artefact.Location} deleted.";
        var operation = new SimulatedOperation(order.OperationId, SimulatedOperationKind.SnapshotDeletion, artefact?.VnfId, [],
            artefact?.EnvironmentId, null, order.SnapshotId, detail, startedAt, completedAt);
        var recorded = await RecordAsync(operation, s =>
        {
            if (artefact is { DeletedAt: null })
                s.Store(artefact with { DeletedAt = completedAt, Parts = [] });
        }, ct);
        return new DeletionReceipt(recorded.Id, order.SnapshotId, recorded.CompletedAt, recorded.Detail);
    }

    public async Task<SnapshotArtefactState?> InspectSnapshotAsync(Guid snapshotId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var artefact = await session.LoadAsync<SimulatedSnapshotArtefact>(snapshotId, ct);
        if (artefact is null)
            return null;
        // The digest of what is stored now, so content changed behind the console's back shows.
        var digest = artefact.DeletedAt is not null ? artefact.ContentDigest
            : artefact.Parts.Count > 0 ? DigestOf(artefact.Parts)
            : artefact.ContentDigest;
        return new SnapshotArtefactState(
            artefact.Id, artefact.Location, digest, artefact.SizeBytes, artefact.DeletedAt, [.. artefact.Parts.Select(p => p.KeyId)]);
    }

    /// <summary>
    /// Stand-in state of one trust domain's components, encrypted with that domain's data key; the snapshot, domain and
    /// key id are associated data, so a part moved to another snapshot or domain does not decrypt.
    /// </summary>
    private static SimulatedArtefactPart Encrypt(SnapshotOrder order, SnapshotPartKey key)
    {
        var state = Encoding.UTF8.GetBytes(
            $"simulated persistent state of components {string.Join(',', key.ComponentIds)} of VNF {order.VnfId:D}, operation {order.OperationId:D}");
        var nonce = RandomNumberGenerator.GetBytes(12);
        var ciphertext = new byte[state.Length];
        var tag = new byte[16];
        using var aes = new AesGcm(key.DataKey, tag.Length);
        aes.Encrypt(nonce, state, ciphertext, tag, PartAssociatedData(order.SnapshotId, key.TrustDomainId, key.KeyId));
        return new SimulatedArtefactPart(key.TrustDomainId, key.ComponentIds, key.KeyId, nonce, ciphertext, tag);
    }

    /// <summary>The associated data a part of a simulated artefact is encrypted with.</summary>
    public static byte[] PartAssociatedData(Guid snapshotId, Guid trustDomainId, string keyId) =>
        Encoding.UTF8.GetBytes($"vnf-console/artefact-part/v1|{snapshotId:D}|{trustDomainId:D}|{keyId}");

    private static string DigestOf(IEnumerable<SimulatedArtefactPart> parts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in parts.OrderBy(p => p.TrustDomainId))
        {
            hash.AppendData(part.TrustDomainId.ToByteArray());
            hash.AppendData(Encoding.UTF8.GetBytes(part.KeyId + "\n"));
            hash.AppendData(part.Nonce);
            hash.AppendData(BitConverter.GetBytes(part.Ciphertext.Length));
            hash.AppendData(part.Ciphertext);
            hash.AppendData(part.Tag);
        }

        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private async Task<SimulatedOperation?> FindAsync(Guid operationId, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var operation = await session.LoadAsync<SimulatedOperation>(operationId, ct);
        if (operation is not null)
            logger.LogInformation("Operation {OperationId} ({Kind}) was already carried out; returning its result", operationId, operation.Kind);
        return operation;
    }

    /// <summary>
    /// Records the operation and its effects in one transaction. The operation id is the primary key, so of two calls
    /// racing with the same id only one takes effect; the other returns what the first recorded.
    /// </summary>
    /// <remarks>
    /// The journal's "performed" entry commits with the effects. When the insert collides, the work was nevertheless
    /// done a second time (two callers ran it at once): that gets an entry of its own, so a duplicate shows.
    /// </remarks>
    private async Task<SimulatedOperation> RecordAsync(SimulatedOperation operation, Action<IDocumentSession> effects, CancellationToken ct)
    {
        var performed = JournalEntry(operation.Id, operation.Kind, SimulatedOperationPhase.Performed, operation.VnfId, options.CurrentValue);
        try
        {
            await using var session = store.LightweightSession();
            session.Insert(operation);
            session.Insert(performed);
            effects(session);
            await session.SaveChangesAsync(ct);
            logger.LogInformation("Simulated {Kind} {OperationId}: {Detail}", operation.Kind, operation.Id, operation.Detail);
            return operation;
        }
        catch (Exception ex) when (IsDuplicate(ex))
        {
            logger.LogWarning("Operation {OperationId} ({Kind}) was carried out a second time while its first run finished", operation.Id, operation.Kind);
            await using (var journal = store.LightweightSession())
            {
                journal.Insert(performed);
                await journal.SaveChangesAsync(ct);
            }

            return await FindAsync(operation.Id, ct)
                ?? throw new InfrastructureException($"Operation {operation.Id} collided with itself but cannot be found.", ex);
        }
    }

    private async Task JournalStartAsync(Guid operationId, SimulatedOperationKind kind, Guid? vnfId, NfvSimulatorOptions settings, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Insert(JournalEntry(operationId, kind, SimulatedOperationPhase.Started, vnfId, settings));
        await session.SaveChangesAsync(ct);
    }

    private SimulatedOperationLogEntry JournalEntry(
        Guid operationId, SimulatedOperationKind kind, SimulatedOperationPhase phase, Guid? vnfId, NfvSimulatorOptions settings) =>
        new(Guid.CreateVersion7(), operationId, kind, phase, vnfId, settings.ResolvedNodeName, time.GetUtcNow());

    private async Task<SnapshotArtefact> ArtefactOfAsync(SimulatedOperation operation, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var artefact = await session.LoadAsync<SimulatedSnapshotArtefact>(operation.SnapshotId!.Value, ct)
            ?? throw new InfrastructureException($"The artefact of snapshot {operation.SnapshotId} is missing.");
        return new SnapshotArtefact(artefact.Id, artefact.Location, artefact.ContentDigest, artefact.SizeBytes, artefact.CreatedAt);
    }

    private async Task<ExecutionEnvironment> EnvironmentAsync(Guid id, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<ExecutionEnvironment>(id, ct)
            ?? throw new InfrastructureException($"The infrastructure knows no execution environment {id}.");
    }

    private static MigrationReceipt Receipt(SimulatedOperation operation) =>
        new(operation.Id, operation.TargetEnvironmentId ?? Guid.Empty, operation.CompletedAt, operation.Detail);

#pragma warning disable CA5394 // the duration of a simulated operation is not security relevant
    internal static TimeSpan OperationDelay(NfvSimulatorOptions settings) =>
        TimeSpan.FromMilliseconds((settings.DelayMilliseconds, settings.DelayMaxMilliseconds) switch
        {
            ({ } least, { } most) when most > least => Random.Shared.Next(Math.Max(0, least), most + 1),
            ({ } fixedDelay, _) => Math.Max(0, fixedDelay),
            _ => Random.Shared.Next(1500, 3001),
        });
#pragma warning restore CA5394

    private static string Digest(string content) =>
        "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    // Between about 256 MiB and 1.25 GiB per component, stable for the same operation.
    private static long SizeFrom(string digest, int components) =>
        Math.Max(1, components) * (256L * 1024 * 1024 + (Convert.ToInt64(digest[7..15], 16) % (1024L * 1024 * 1024)));

    private static string Slug(string name) =>
        new(name.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray());

    /// <summary>Whether an insert failed because its key exists: the operation id was recorded by another call first.</summary>
    public static bool IsDuplicate(Exception ex) =>
        ex is DocumentAlreadyExistsException or PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }
        || (ex.InnerException is { } inner && IsDuplicate(inner));

    private static void ThrowIfDefective(NfvSimulatorOptions settings, SimulatedOperationKind kind)
    {
        if (settings.HasDefect(kind))
            throw new InvalidOperationException($"Simulated defect in the {kind} adapter (Nfv:Simulator:DefectOperations).");
    }
}
