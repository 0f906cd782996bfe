using System.Globalization;
using System.Security.Cryptography;
using Console.Workflows.Keys;
using Console.Workflows.Keys.Hsm;
using Console.Workflows.Snapshots.Protecting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Console.Bench;

/// <summary>
/// scripts/bench --trust: the key-encryption keys alone, no database. Wrapping a fresh 32-byte data key, unwrapping it
/// and destroying its KEK, with the PKCS#11 provider (SoftHSM2 from infra/hsm/softhsm.sh: a KEK generated in the token
/// per data key) beside the key-file provider (HKDF from the master key, AES-GCM in process), same keys, same workers;
/// then signing (ECDSA P-256 over a tree head) with the token's key beside a key file's, then attestation
/// (<see cref="AttestationBench"/>).
/// </summary>
public static class TrustBench
{
    public static async Task RunAsync(BenchOptions options)
    {
        var count = options.TrustKeys;
        var concurrency = options.Concurrency;
        var domain = Guid.NewGuid();
        var folder = Path.Combine(Path.GetTempPath(), "vnf-console-bench-keys-" + Guid.NewGuid().ToString("N"));
        var hsmOptions = Pkcs11Options.From(new ConfigurationBuilder().AddEnvironmentVariables().Build());
        try
        {
            var file = new LocalKeyEncryptionKeys(new KeyStoreOptions { Folder = folder }, NullLogger<LocalKeyEncryptionKeys>.Instance);
            using var hsm = new Pkcs11KeyEncryptionKeys(hsmOptions, NullLogger<Pkcs11KeyEncryptionKeys>.Instance);
            System.Console.WriteLine($"Trust bench: {count} data keys per provider, {concurrency} workers, {Environment.ProcessorCount} cores; "
                                     + $"HSM module {hsmOptions.ModulePath}, token {hsmOptions.TokenLabelFor(domain)}");
            var rows = new List<Measurement>();
            foreach (var (name, keks) in new (string, IKeyEncryptionKeys)[] { ("file KEK", file), ("HSM KEK", hsm) })
            {
                await RunAsync(keks, domain, "warm-up-" + name, Math.Min(50, count), concurrency);
                rows.AddRange(await RunAsync(keks, domain, name, count, concurrency));
            }

            // Signing a tree head or a manifest: the key file's key in process beside the token's non-extractable key.
            var signingFile = new SigningKeyFile(SigningKeyNames.AuditCheckpoints, Path.Combine(folder, "checkpoint.pem"), null, CreateIfMissing: true, "bench");
            var manifestFile = new SigningKeyFile(SigningKeyNames.SnapshotManifests, Path.Combine(folder, "manifest.pem"), null, CreateIfMissing: true, "bench");
            using var fileSigning = new LocalSigningKeys([signingFile, manifestFile], NullLogger<LocalSigningKeys>.Instance);
            hsmOptions.SigningTokenLabel = "bench-sig-" + Guid.NewGuid().ToString("N")[..12];
            using var hsmSigning = new Pkcs11SigningKeys(hsmOptions, [], NullLogger<Pkcs11SigningKeys>.Instance);
            foreach (var (name, signing) in new (string, ISigningKeys)[] { ("file sign", fileSigning), ("HSM sign", hsmSigning) })
            {
                signing.PublicKey(SigningKeyNames.AuditCheckpoints);
                var heads = Enumerable.Range(0, count).Select(i => $"tree head {i} of the bench").ToArray();
                rows.Add(await Measurement.RunAsync(name, heads, concurrency, head =>
                    Task.Run(() => signing.Sign(SigningKeyNames.AuditCheckpoints, System.Text.Encoding.UTF8.GetBytes(head), SignatureEncoding.Der).Length > 0)));
            }

            // What protecting one snapshot adds: a data key per trust domain wrapped under that domain's KEK, then the
            // manifest signed; with the key files beside the token, so the difference is the HSM's added time.
            var protect = new List<Measurement>();
            foreach (var (name, keks, signing) in new (string, IKeyEncryptionKeys, ISigningKeys)[]
                     { ("file protect snapshot", file, fileSigning), ("HSM protect snapshot", hsm, hsmSigning) })
                protect.Add(await ProtectSnapshotsAsync(name, keks, signing, count, concurrency));
            rows.AddRange(protect);

            rows.AddRange(await AttestationBench.RunAsync(options.TrustQuotes, options.TrustKeys * 5, concurrency));

            System.Console.WriteLine();
            System.Console.WriteLine($"{"operation",-26} {"per second",12} {"p50 ms",9} {"p95 ms",9} {"p99 ms",9} {"failed",7}");
            foreach (var row in rows)
                System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Name,-26} {row.PerSecond,12:F0} {row.Percentile(50),9:F3} {row.Percentile(95),9:F3} {row.Percentile(99),9:F3} {row.Failures,7}"));
            System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Added per snapshot protection ({ProtectedDomains} trust domains + manifest signature), HSM against key files: p50 "
                + $"{protect[1].Percentile(50) - protect[0].Percentile(50):F3} ms, p95 {protect[1].Percentile(95) - protect[0].Percentile(95):F3} ms"));
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }

    private const int ProtectedDomains = 3;

    private static async Task<Measurement> ProtectSnapshotsAsync(
        string name, IKeyEncryptionKeys keks, ISigningKeys signing, int count, int concurrency)
    {
        var domains = Enumerable.Range(0, ProtectedDomains).Select(_ => Guid.NewGuid()).ToArray();
        var snapshots = Enumerable.Range(0, count).Select(_ => Guid.NewGuid()).ToArray();
        // A manifest's canonical bytes are about a kilobyte: components, key ids, digests.
        var manifest = RandomNumberGenerator.GetBytes(1024);
        // The signing key and each domain's token found or made before the clock starts.
        signing.PublicKey(SigningKeyNames.SnapshotManifests);
        foreach (var domain in domains)
        {
            await keks.WrapAsync(domain, "dk-bench-warm-up", RandomNumberGenerator.GetBytes(32));
            await keks.DestroyAsync(domain, "dk-bench-warm-up");
        }

        var measured = await Measurement.RunAsync(name, snapshots, concurrency, async snapshot =>
        {
            foreach (var domain in domains)
            {
                var dataKey = RandomNumberGenerator.GetBytes(32);
                await keks.WrapAsync(domain, SnapshotProtection.DataKeyId(snapshot, domain), dataKey);
                CryptographicOperations.ZeroMemory(dataKey);
            }

            return signing.Sign(SigningKeyNames.SnapshotManifests, manifest, SignatureEncoding.P1363).Length > 0;
        });
        foreach (var snapshot in snapshots)
            foreach (var domain in domains)
                await keks.DestroyAsync(domain, SnapshotProtection.DataKeyId(snapshot, domain));
        return measured;
    }

    private static async Task<Measurement[]> RunAsync(IKeyEncryptionKeys keks, Guid domain, string name, int count, int concurrency)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var keys = Enumerable.Range(0, count).Select(i => $"dk-bench-{run}-{i}").ToArray();
        var wrapped = new WrappedKey[count];
        var index = keys.Select((id, i) => (id, i)).ToDictionary(k => k.id, k => k.i);
        var wrap = await Measurement.RunAsync($"{name} wrap", keys, concurrency, async id =>
        {
            wrapped[index[id]] = await keks.WrapAsync(domain, id, RandomNumberGenerator.GetBytes(32));
            return true;
        });
        var unwrap = await Measurement.RunAsync($"{name} unwrap", keys, concurrency, async id =>
            (await keks.UnwrapAsync(domain, id, wrapped[index[id]])).Length == 32);
        var destroy = await Measurement.RunAsync($"{name} destroy", keys, concurrency, async id =>
        {
            await keks.DestroyAsync(domain, id);
            return true;
        });
        return [wrap, unwrap, destroy];
    }
}
