using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Console.Nfv.Simulator.Tpm;
using Console.Workflows.Attestation;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Marten;
using Microsoft.Extensions.Logging;

namespace Console.Nfv.Simulator;

// The simulator's instances, attestation quotes and state sealing. The platforms' keys live in files outside the
// console's database (SimulatedPlatformKeys); the private halves never leave the simulator (a real platform keeps them
// in its TPM).
public sealed partial class SimulatedNfvInfrastructure
{
    private readonly SimulatedPlatformKeys _platformKeys = new(store, () => options.CurrentValue.ResolvedKeyFolder);

    public async Task<AttestationEnrolment?> EnrolmentAsync(AttestedSubjectKind kind, Guid subjectId, CancellationToken ct)
    {
        var subject = await SubjectAsync(kind, subjectId, ct);
        if (subject is null)
            return null;
        if (TpmOf(subject) is { } tpm)
            return await tpmAttester.EnrolmentAsync(subjectId, subject.Name, tpm, ct);
        var keys = await KeysAsync(kind, subjectId, ct);
        if (kind == AttestedSubjectKind.Environment && keys.EndorsementPublicKey is null)
        {
            // Made once: two enrolments reading the platform at the same moment report the same endorsement key.
            keys = await _platformKeys.UpdateAsync(subjectId, current =>
            {
                if (current.EndorsementPublicKey is not null)
                    return current;
                using var endorsement = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                return current with { EndorsementPublicKey = Convert.ToBase64String(endorsement.ExportSubjectPublicKeyInfo()) };
            }, ct);
        }

        var publicKey = Convert.FromBase64String(keys.AttestationPublicKey);
        return new AttestationEnrolment(kind, subjectId, EvidenceVerifier.KeyIdOf(publicKey), keys.AttestationPublicKey,
            GoldenMeasurements(subject, keys), $"enrolment of {subject.Name} read from the simulated infrastructure", keys.EndorsementPublicKey);
    }

    public async Task<AttestationEvidence> QuoteAsync(AttestedSubjectKind kind, Guid subjectId, string nonce, CancellationToken ct)
    {
        var settings = options.CurrentValue;
        var subject = await SubjectAsync(kind, subjectId, ct)
            ?? throw new InfrastructureException($"The infrastructure knows no {(kind == AttestedSubjectKind.Environment ? "execution environment" : "VNF instance")} {subjectId}.");
        // A platform with a TPM answers with its TPM's quote, whatever the inventory or the simulator's options say.
        if (TpmOf(subject) is { } tpm)
            return await tpmAttester.QuoteAsync(subjectId, subject.Name, tpm, nonce, ct);
        var keys = await KeysAsync(kind, subjectId, ct);

        // Gathering a quote from the platform's TPM is quicker than moving a workload, but not instant.
        await Task.Delay(OperationDelay(settings) / 4, time, ct);

        var names = subject.Names;
        var measurements = GoldenMeasurements(subject, keys).ToList();
        if (settings.AttestationFailsFor(names))
            measurements[0] = measurements[0] with { Digest = Hex($"sim/tampered/{measurements[0].Register}/{subjectId:D}") };
        if (subject.Environment is { AttestationStatus: not AttestationStatus.Attested })
            measurements[1] = measurements[1] with { Digest = Hex($"sim/secure-boot/{subject.Environment.AttestationStatus}") };

        var presentedNonce = settings.ReplaysFor(names) ? keys.LastNonce ?? "replayed-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)) : nonce;
        var quote = new AttestationQuote(kind, subjectId, presentedNonce, time.GetUtcNow() - settings.AttestationAge, measurements);
        var bytes = QuoteEncoding.CanonicalBytes(quote);
        string signature;
        if (settings.ForgesFor(names))
        {
            using var forger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            signature = Convert.ToBase64String(forger.SignData(bytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        }
        else
        {
            using var signer = ECDsa.Create();
            signer.ImportPkcs8PrivateKey(Convert.FromBase64String(keys.AttestationPrivateKey), out _);
            signature = Convert.ToBase64String(signer.SignData(bytes, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence));
        }

        if (!settings.ReplaysFor(names))
            await _platformKeys.UpdateAsync(keys.Id, current => current with { LastNonce = nonce }, ct);

        return new AttestationEvidence(quote, EvidenceVerifier.KeyIdOf(Convert.FromBase64String(keys.AttestationPublicKey)), signature);
    }

    public async Task<string> SealingKeyAsync(Guid environmentId, CancellationToken ct)
    {
        await EnvironmentAsync(environmentId, ct);
        return (await KeysAsync(AttestedSubjectKind.Environment, environmentId, ct)).SealingPublicKey
            ?? throw new InfrastructureException($"Environment {environmentId} holds no sealing key.");
    }

    public async Task<TransferChannel> TransferChannelAsync(Guid sourceEnvironmentId, Guid targetEnvironmentId, CancellationToken ct)
    {
        var source = await EnvironmentAsync(sourceEnvironmentId, ct);
        var target = await EnvironmentAsync(targetEnvironmentId, ct);
        return options.CurrentValue.UnencryptedFor((source.Id, source.Name), (target.Id, target.Name))
            ? new TransferChannel(source.Id, target.Id, false, $"plain TCP between {source.Name} and {target.Name} (the IPsec tunnel is down, simulated)")
            : new TransferChannel(source.Id, target.Id, true, $"IPsec (AES-256-GCM) tunnel between {source.Name} and {target.Name}");
    }

    public async Task<VnfInstance?> InitialInstanceAsync(Guid vnfId, CancellationToken ct)
    {
        await using (var query = store.QuerySession())
        {
            var known = await query.Query<SimulatedInstance>().Where(i => i.VnfId == vnfId).OrderBy(i => i.Since).FirstOrDefaultAsync(ct);
            if (known is not null)
                return View(known);
            if (await query.LoadAsync<Vnf>(vnfId, ct) is not { } vnf)
                return null;

            // The simulator deploys a VNF the first time anyone asks about it, where the inventory places it.
            var deployed = new SimulatedInstance(DeterministicId($"initial/{vnfId:D}"), vnfId, vnf.EnvironmentId, 1,
                InstanceRunState.Running, false, time.GetUtcNow(), "deployment");
            try
            {
                await using var session = store.LightweightSession();
                session.Insert(deployed);
                await session.SaveChangesAsync(ct);
                logger.LogInformation("Simulated deployment of VNF {VnfId} as instance {InstanceId}", vnfId, deployed.Id);
            }
            catch (Exception ex) when (IsDuplicate(ex))
            {
                // Another caller deployed it at the same moment; the id is the same.
            }
        }

        await using var again = store.QuerySession();
        return View(await again.LoadAsync<SimulatedInstance>(DeterministicId($"initial/{vnfId:D}"), ct)
            ?? throw new InfrastructureException($"The initial instance of VNF {vnfId} vanished."));
    }

    public async Task<IReadOnlyList<VnfInstance>> InstancesAsync(Guid vnfId, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        var instances = await query.Query<SimulatedInstance>().Where(i => i.VnfId == vnfId).OrderBy(i => i.Since).ToListAsync(ct);
        return [.. instances.Select(View)];
    }

    /// <summary>The simulator runs its instances in no machines of a host it could name.</summary>
    public Task<IReadOnlyList<MachinePlacement>> MachinesAsync(Guid vnfId, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<MachinePlacement>>([]);

    /// <summary>The instances that run now (not paused, stopped or fenced), as the heartbeat reporter sees them.</summary>
    public async Task<IReadOnlyList<VnfInstance>> RunningInstancesAsync(CancellationToken ct)
    {
        await using var query = store.QuerySession();
        var instances = await query.Query<SimulatedInstance>().Where(i => i.State == InstanceRunState.Running && !i.Fenced).ToListAsync(ct);
        return [.. instances.Select(View)];
    }

    public async Task<SealReceipt> SealStateAsync(SealOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        await using (var query = store.QuerySession())
        {
            if (await query.LoadAsync<SimulatedSealedState>(order.OperationId, ct) is { } done)
                return new SealReceipt(done.Id, done.Digest, done.SealedToKeyId, done.Epoch);
            var source = await query.LoadAsync<SimulatedInstance>(order.SourceInstanceId, ct)
                ?? throw new InfrastructureException($"The source instance {order.SourceInstanceId} is unknown to the infrastructure.");
            if (source.Fenced || source.Epoch != order.Epoch)
                throw new InfrastructureException(
                    $"The source instance runs on epoch {source.Epoch}{(source.Fenced ? " and is fenced" : "")}; it cannot seal state of epoch {order.Epoch}.");
        }

        await Task.Delay(OperationDelay(options.CurrentValue) / 2, time, ct);
        var of = order.ComponentIds.Count > 0 ? $"components {string.Join(',', order.ComponentIds)} of VNF" : "VNF";
        var state = Encoding.UTF8.GetBytes($"simulated persistent state of {of} {order.VnfId:D} at epoch {order.Epoch.ToString(CultureInfo.InvariantCulture)}");
        using var ephemeral = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        using var target = ECDiffieHellman.Create();
        target.ImportSubjectPublicKeyInfo(Convert.FromBase64String(order.TargetSealingKey), out _);
        var key = ephemeral.DeriveKeyFromHash(target.PublicKey, HashAlgorithmName.SHA256);
        var nonce = RandomNumberGenerator.GetBytes(12);
        var ciphertext = new byte[state.Length];
        var tag = new byte[16];
        using (var aes = new AesGcm(key, tag.Length))
            aes.Encrypt(nonce, state, ciphertext, tag, SealAssociatedData(order.OperationId, order.VnfId, order.Epoch, order.TargetEnvironmentId));
        CryptographicOperations.ZeroMemory(key);

        var digest = "sha256:" + Convert.ToHexStringLower(SHA256.HashData([.. nonce, .. ciphertext, .. tag]));
        var sealedToKeyId = SealingKeyId(order.TargetSealingKey);
        var sealedState = new SimulatedSealedState(order.OperationId, order.VnfId, order.SourceInstanceId, order.Epoch, order.TargetEnvironmentId,
            sealedToKeyId, ephemeral.PublicKey.ExportSubjectPublicKeyInfo(), nonce, ciphertext, tag, digest, time.GetUtcNow())
        {
            ComponentIds = [.. order.ComponentIds],
        };
        try
        {
            await using var session = store.LightweightSession();
            session.Insert(sealedState);
            await session.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (IsDuplicate(ex))
        {
            await using var query = store.QuerySession();
            sealedState = await query.LoadAsync<SimulatedSealedState>(order.OperationId, ct) ?? sealedState;
        }

        return new SealReceipt(sealedState.Id, sealedState.Digest, sealedState.SealedToKeyId, sealedState.Epoch);
    }

    public async Task<VnfInstance> UnsealAsync(UnsealOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        await using (var query = store.QuerySession())
        {
            if (await query.LoadAsync<SimulatedInstance>(order.TargetInstanceId, ct) is { } started)
                return View(started);
        }

        var settings = options.CurrentValue;
        await Task.Delay(OperationDelay(settings) / 2, time, ct);
        SimulatedSealedState sealedState;
        SimulatedInstance source;
        SimulatedSubjectKeys keys;
        await using (var query = store.QuerySession())
        {
            sealedState = await query.LoadAsync<SimulatedSealedState>(order.OperationId, ct)
                ?? throw new InfrastructureException($"No state was sealed for migration {order.OperationId}.");
            source = await query.LoadAsync<SimulatedInstance>(sealedState.SourceInstanceId, ct)
                ?? throw new InfrastructureException("The sealed state's source instance is unknown.");
            keys = await KeysAsync(AttestedSubjectKind.Environment, order.TargetEnvironmentId, ct);
        }

        if (sealedState.TargetEnvironmentId != order.TargetEnvironmentId)
            throw new InfrastructureException("The state was sealed to another environment than the one asked to unseal it.");
        if (sealedState.Epoch != order.CurrentEpoch)
            throw new InfrastructureException(
                $"The target refuses to unseal: the state is of epoch {sealedState.Epoch}, the console's current epoch is {order.CurrentEpoch}.");

        byte[] state;
        try
        {
            using var target = ECDiffieHellman.Create();
            target.ImportPkcs8PrivateKey(Convert.FromBase64String(keys.SealingPrivateKey!), out _);
            using var ephemeral = ECDiffieHellman.Create();
            ephemeral.ImportSubjectPublicKeyInfo(sealedState.EphemeralPublicKey, out _);
            var key = target.DeriveKeyFromHash(ephemeral.PublicKey, HashAlgorithmName.SHA256);
            state = new byte[sealedState.Ciphertext.Length];
            using var aes = new AesGcm(key, sealedState.Tag.Length);
            aes.Decrypt(sealedState.Nonce, sealedState.Ciphertext, sealedState.Tag, state,
                SealAssociatedData(order.OperationId, order.VnfId, sealedState.Epoch, order.TargetEnvironmentId));
            CryptographicOperations.ZeroMemory(key);
        }
        catch (CryptographicException ex)
        {
            throw new InfrastructureException("The target could not unseal the state: it does not hold the key the state was sealed to.", ex);
        }

        // After a partial move the VNF runs on where it ran, as the new instance; only the moved components left.
        var now = time.GetUtcNow();
        var (runsIn, origin) = sealedState.ComponentIds.Count > 0
            ? (source.EnvironmentId, $"migration {order.OperationId:D} of {sealedState.ComponentIds.Count} component(s)")
            : (order.TargetEnvironmentId, $"migration {order.OperationId:D}");
        var instance = new SimulatedInstance(order.TargetInstanceId, order.VnfId, runsIn, order.NewEpoch,
            InstanceRunState.Running, false, now, origin);
        await using (var session = store.LightweightSession())
        {
            session.Insert(instance);
            // Switch-over: the source stops when the target takes the state over.
            session.Store(source with { State = InstanceRunState.Stopped });
            await session.SaveChangesAsync(ct);
        }

        logger.LogInformation("Simulated unseal of {Bytes} bytes of VNF {VnfId} in {Environment} as instance {InstanceId}, epoch {Epoch}",
            state.Length, order.VnfId, order.TargetEnvironmentId, instance.Id, instance.Epoch);
        return View(instance);
    }

    public async Task<VnfInstance> RestoreAsync(RestoreOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        await using (var query = store.QuerySession())
        {
            if (await query.LoadAsync<SimulatedInstance>(order.InstanceId, ct) is { } started)
                return View(started);
        }

        var settings = options.CurrentValue;
        var environment = await EnvironmentAsync(order.EnvironmentId, ct);
        await Task.Delay(OperationDelay(settings), time, ct);
        ThrowIfDefective(settings, SimulatedOperationKind.Restore);
        if (settings.Fails(SimulatedOperationKind.Restore))
            throw new InfrastructureException($"Starting the instance from the snapshot in {environment.Name} failed: the image could not be mounted (simulated failure).");
        await using (var query = store.QuerySession())
        {
            var artefact = await query.LoadAsync<SimulatedSnapshotArtefact>(order.SnapshotId, ct);
            if (artefact is null || artefact.DeletedAt is not null)
                throw new InfrastructureException($"The infrastructure holds no artefact for snapshot {order.SnapshotId}.");
        }

        var instance = new SimulatedInstance(order.InstanceId, order.VnfId, order.EnvironmentId, order.NewEpoch,
            InstanceRunState.Running, false, time.GetUtcNow(), $"restore of snapshot {order.SnapshotId:D}");
        try
        {
            await using var session = store.LightweightSession();
            session.Insert(instance);
            await session.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (IsDuplicate(ex))
        {
        }

        return View(instance);
    }

    public async Task<VnfInstance> LifecycleAsync(LifecycleOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        await using (var query = store.QuerySession())
        {
            if (await query.LoadAsync<SimulatedLifecycleOperation>(order.OperationId, ct) is not null)
                return View(await query.LoadAsync<SimulatedInstance>(order.InstanceId, ct)
                    ?? throw new InfrastructureException($"Instance {order.InstanceId} vanished."));
        }

        var settings = options.CurrentValue;
        await Task.Delay(OperationDelay(settings), time, ct);
        ThrowIfDefective(settings, SimulatedOperationKind.Lifecycle);
        if (settings.Fails(SimulatedOperationKind.Lifecycle))
            throw new InfrastructureException($"The {order.Operation} of the instance failed: the hypervisor did not answer (simulated failure).");

        await using var session = store.LightweightSession();
        var instance = await session.LoadAsync<SimulatedInstance>(order.InstanceId, ct)
            ?? throw new InfrastructureException($"The infrastructure knows no instance {order.InstanceId}.");
        if (instance.Fenced)
            throw new InfrastructureException($"Instance {order.InstanceId} is fenced; it never runs on this VNF's state again.");
        var next = (order.Operation, instance.State) switch
        {
            (LifecycleOperation.Pause, InstanceRunState.Running) => InstanceRunState.Paused,
            (LifecycleOperation.Resume, InstanceRunState.Paused) => InstanceRunState.Running,
            (LifecycleOperation.Stop, InstanceRunState.Running or InstanceRunState.Paused) => InstanceRunState.Stopped,
            (LifecycleOperation.Start, InstanceRunState.Stopped) => InstanceRunState.Running,
            (LifecycleOperation.Restart, InstanceRunState.Running or InstanceRunState.Paused) => InstanceRunState.Running,
            _ => throw new InfrastructureException($"The instance is {instance.State}; it cannot be {Done(order.Operation)}."),
        };
        var updated = instance with { State = next, Since = order.Operation == LifecycleOperation.Restart ? time.GetUtcNow() : instance.Since };
        session.Store(updated);
        session.Insert(new SimulatedLifecycleOperation(order.OperationId, order.InstanceId, order.Operation, time.GetUtcNow()));
        try
        {
            await session.SaveChangesAsync(ct);
        }
        catch (Exception ex) when (IsDuplicate(ex))
        {
            await using var query = store.QuerySession();
            return View(await query.LoadAsync<SimulatedInstance>(order.InstanceId, ct) ?? updated);
        }

        logger.LogInformation("Simulated {Operation} of instance {InstanceId}: now {State}", order.Operation, order.InstanceId, next);
        return View(updated);
    }

    public async Task<VnfInstance?> FenceAsync(FenceOrder order, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(order);
        await using var session = store.LightweightSession();
        var instance = await session.LoadAsync<SimulatedInstance>(order.InstanceId, ct);
        if (instance is null)
            return null;
        if (!instance.Fenced || instance.State != InstanceRunState.Stopped)
        {
            instance = instance with { Fenced = true, State = InstanceRunState.Stopped };
            session.Store(instance);
            await session.SaveChangesAsync(ct);
            logger.LogWarning("Simulated fencing of instance {InstanceId} of VNF {VnfId}: {Reason}", order.InstanceId, order.VnfId, order.Reason);
        }

        return View(instance);
    }

    /// <summary>
    /// Someone with access to the infrastructure starts a copy of the VNF behind the console's back (a fork, or a
    /// roll-back when <paramref name="epoch"/> is an old one, e.g. from a stale snapshot). Not part of the port: the
    /// console never does this; its heartbeats reveal the copy.
    /// </summary>
    public async Task<VnfInstance> StartOutOfBandAsync(Guid vnfId, Guid environmentId, long epoch, CancellationToken ct)
    {
        await EnvironmentAsync(environmentId, ct);
        var instance = new SimulatedInstance(Guid.NewGuid(), vnfId, environmentId, epoch, InstanceRunState.Running, false,
            time.GetUtcNow(), "out of band (not ordered by the console)");
        await using var session = store.LightweightSession();
        session.Insert(instance);
        await session.SaveChangesAsync(ct);
        logger.LogWarning("Instance {InstanceId} of VNF {VnfId} started outside the console on epoch {Epoch}", instance.Id, vnfId, epoch);
        return View(instance);
    }

    /// <summary>The key id of a sealing key: like an attestation key's, with its own prefix.</summary>
    public static string SealingKeyId(string sealingPublicKey) =>
        "sk-" + EvidenceVerifier.KeyIdOf(Convert.FromBase64String(sealingPublicKey))[3..];

    private static byte[] SealAssociatedData(Guid operationId, Guid vnfId, long epoch, Guid targetEnvironmentId) =>
        Encoding.UTF8.GetBytes($"vnf-console/sealed-state/v1|{operationId:D}|{vnfId:D}|{epoch.ToString(CultureInfo.InvariantCulture)}|{targetEnvironmentId:D}");

    private sealed record Subject(AttestedSubjectKind Kind, Guid Id, string Name, ExecutionEnvironment? Environment, SimulatedInstance? Instance, Vnf? Vnf)
    {
        public (Guid Id, string? Name)[] Names => Kind == AttestedSubjectKind.Environment
            ? [(Id, Name)]
            : [(Id, null), (Instance!.VnfId, Vnf?.Name)];
    }

    private TpmEnvironmentOptions? TpmOf(Subject subject) =>
        subject.Kind == AttestedSubjectKind.Environment ? tpmAttester.For(subject.Id, subject.Name) : null;

    private async Task<Subject?> SubjectAsync(AttestedSubjectKind kind, Guid subjectId, CancellationToken ct)
    {
        await using var query = store.QuerySession();
        if (kind == AttestedSubjectKind.Environment)
            return await query.LoadAsync<ExecutionEnvironment>(subjectId, ct) is { } environment
                ? new Subject(kind, subjectId, environment.Name, environment, null, null)
                : null;
        if (await query.LoadAsync<SimulatedInstance>(subjectId, ct) is not { } instance)
            return null;
        var vnf = await query.LoadAsync<Vnf>(instance.VnfId, ct);
        return new Subject(kind, subjectId, $"instance {subjectId:D} of {vnf?.Name ?? instance.VnfId.ToString()}", null, instance, vnf);
    }

    /// <summary>
    /// The measurements a healthy subject presents: for a platform its firmware, its secure-boot policy and its sealing
    /// key; for an instance its image and configuration (the same for every instance of one VNF).
    /// </summary>
    private static IReadOnlyList<Measurement> GoldenMeasurements(Subject subject, SimulatedSubjectKeys keys) =>
        subject.Kind == AttestedSubjectKind.Environment
            ?
            [
                new("pcr0-firmware", Hex($"sim/firmware/{subject.Id:D}")),
                new("pcr7-secure-boot", Hex("sim/secure-boot/enforcing")),
                new(SealingMeasurement.Register, SealingMeasurement.DigestOf(keys.SealingPublicKey!)),
            ]
            :
            [
                new("vnf-image", Hex($"sim/image/{subject.Instance!.VnfId:D}")),
                new("vnf-config", Hex($"sim/config/{subject.Instance.VnfId:D}")),
            ];

    /// <summary>The subject's keys, made on first use (as a platform's TPM provisions them) and kept from then on.</summary>
    private Task<SimulatedSubjectKeys> KeysAsync(AttestedSubjectKind kind, Guid subjectId, CancellationToken ct) =>
        _platformKeys.GetOrCreateAsync(subjectId, () =>
        {
            using var attestation = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            using var sealing = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
            return new SimulatedSubjectKeys(subjectId, kind,
                Convert.ToBase64String(attestation.ExportPkcs8PrivateKey()), Convert.ToBase64String(attestation.ExportSubjectPublicKeyInfo()),
                kind == AttestedSubjectKind.Environment ? Convert.ToBase64String(sealing.ExportPkcs8PrivateKey()) : null,
                kind == AttestedSubjectKind.Environment ? Convert.ToBase64String(sealing.ExportSubjectPublicKeyInfo()) : null,
                time.GetUtcNow());
        }, ct);

    private static VnfInstance View(SimulatedInstance i) => new(i.Id, i.VnfId, i.EnvironmentId, i.Epoch, i.State, i.Fenced, i.Since);

    private static string Hex(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));

    private static Guid DeterministicId(string name) => Console.Workflows.Common.NameBasedGuid.From($"vnf-console/simulator/{name}");

    private static string Done(LifecycleOperation operation) => operation switch
    {
        LifecycleOperation.Pause => "paused",
        LifecycleOperation.Resume => "resumed",
        LifecycleOperation.Stop => "stopped",
        LifecycleOperation.Start => "started",
        _ => "restarted",
    };
}
