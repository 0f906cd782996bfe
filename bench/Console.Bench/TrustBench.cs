using System.Globalization;
using System.Security.Cryptography;
using Console.Workflows.Keys;
using Console.Workflows.Keys.Hsm;
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
            using var fileSigning = new LocalSigningKeys([signingFile], NullLogger<LocalSigningKeys>.Instance);
            hsmOptions.SigningTokenLabel = "bench-sig-" + Guid.NewGuid().ToString("N")[..12];
            using var hsmSigning = new Pkcs11SigningKeys(hsmOptions, [], NullLogger<Pkcs11SigningKeys>.Instance);
            foreach (var (name, signing) in new (string, ISigningKeys)[] { ("file sign", fileSigning), ("HSM sign", hsmSigning) })
            {
                signing.PublicKey(SigningKeyNames.AuditCheckpoints);
                var heads = Enumerable.Range(0, count).Select(i => $"tree head {i} of the bench").ToArray();
                rows.Add(await Measurement.RunAsync(name, heads, concurrency, head =>
                    Task.Run(() => signing.Sign(SigningKeyNames.AuditCheckpoints, System.Text.Encoding.UTF8.GetBytes(head), SignatureEncoding.Der).Length > 0)));
            }

            rows.AddRange(await AttestationBench.RunAsync(options.TrustQuotes, options.TrustKeys * 5, concurrency));

            System.Console.WriteLine();
            System.Console.WriteLine($"{"operation",-26} {"per second",12} {"p50 ms",9} {"p95 ms",9} {"p99 ms",9} {"failed",7}");
            foreach (var row in rows)
                System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{row.Name,-26} {row.PerSecond,12:F0} {row.Percentile(50),9:F3} {row.Percentile(95),9:F3} {row.Percentile(99),9:F3} {row.Failures,7}"));
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
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
