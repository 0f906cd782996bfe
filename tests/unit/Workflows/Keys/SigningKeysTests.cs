using System.Security.Cryptography;
using System.Text;
using Console.Workflows.Audit.Integrity;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Inventory;
using Console.Workflows.Keys;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Protecting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Keys;

/// <summary>
/// Both signing keys (checkpoints of the audit log, snapshot manifests) are reached through one port, so an HSM adapter
/// registered in its place signs everything, and no code but the file adapter reads a private key's file.
/// </summary>
public sealed class SigningKeysTests : IDisposable
{
    private readonly ECDsa _checkpointKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _manifestKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"signing-keys-test-{Guid.NewGuid():N}");

    [Fact]
    public void Host_WithAnotherSigningPortRegistered_SignsCheckpointsAndManifestsThroughIt()
    {
        var port = new RecordingSigningKeys(LocalSigningKeys.InMemory(new Dictionary<string, ECDsa>
        {
            [SigningKeyNames.AuditCheckpoints] = _checkpointKey,
            [SigningKeyNames.SnapshotManifests] = _manifestKey,
        }));
        using var services = Services(port);

        var keys = services.GetRequiredService<CheckpointKeyring>().Get();
        var checkpointSignature = keys.Sign("checkpoint text");
        var manifest = Manifest();
        var manifestSignature = services.GetRequiredService<IManifestSigner>().Sign(manifest);

        port.Signed.ShouldBe([(SigningKeyNames.AuditCheckpoints, SignatureEncoding.Der), (SigningKeyNames.SnapshotManifests, SignatureEncoding.P1363)]);
        keys.KeyId.ShouldBe(CheckpointKeys.KeyIdOf(_checkpointKey));
        _checkpointKey.VerifyData(Encoding.UTF8.GetBytes("checkpoint text"), checkpointSignature, HashAlgorithmName.SHA256,
            DSASignatureFormat.Rfc3279DerSequence).ShouldBeTrue();
        _manifestKey.VerifyData(manifest.CanonicalBytes(), Convert.FromBase64String(manifestSignature), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation).ShouldBeTrue();
    }

    [Fact]
    public void Host_ByDefault_SignsWithTheKeyFilesThroughTheFileAdapter()
    {
        var checkpointFile = Path.Combine(_folder, "checkpoint.pem");
        Directory.CreateDirectory(_folder);
        File.WriteAllText(checkpointFile, _checkpointKey.ExportPkcs8PrivateKeyPem());
        using var services = Services(port: null, checkpointFile);

        var port = services.GetRequiredService<ISigningKeys>();
        var signer = services.GetRequiredService<IManifestSigner>();

        port.ShouldBeOfType<LocalSigningKeys>();
        port.PublicKey(SigningKeyNames.AuditCheckpoints).ShouldBe(_checkpointKey.ExportSubjectPublicKeyInfo());
        // The manifest key is created on first use in the keys folder, and what it signs checks with its public key.
        File.Exists(Path.Combine(_folder, "manifest-signing.pem")).ShouldBeTrue();
        signer.Problem(Manifest(), signer.Sign(Manifest()), signer.KeyId).ShouldBeNull();
    }

    [Fact]
    public void FileAdapter_UnknownKeyName_IsUnavailableWithItsName()
    {
        using var port = LocalSigningKeys.InMemory(SigningKeyNames.AuditCheckpoints, _checkpointKey);
        var refused = Should.Throw<KeyUnavailableException>(() => port.Sign("hsm-only", [1, 2, 3], SignatureEncoding.Der));

        refused.Message.ShouldBe("No signing key named 'hsm-only' is configured.");
    }

    [Fact]
    public void SourceTree_ReadsPrivateKeysOnlyInTheFileAdapter()
    {
        // The simulated VNFs hold their own keys (base64, in the simulator's state), and the independent witness is a
        // separate process with its own key: neither is one of the console's signing keys.
        string[] allowed = ["Keys/LocalSigningKeys.cs", "../Console.Nfv.Simulator/SimulatedNfvInfrastructure.Instances.cs", "Audit/Integrity/Witnessing/LogWitness.cs"];
        var source = Path.Combine(RepoRoot(), "src");
        var readers = Directory.EnumerateFiles(source, "*.cs", SearchOption.AllDirectories)
            .Where(f => File.ReadAllText(f) is var text
                        && (text.Contains("ImportFromPem(", StringComparison.Ordinal) || text.Contains("ImportFromEncryptedPem(", StringComparison.Ordinal)
                            || text.Contains("ImportPkcs8PrivateKey(", StringComparison.Ordinal) || text.Contains("ImportECPrivateKey(", StringComparison.Ordinal)))
            .Select(f => Path.GetRelativePath(Path.Combine(source, "Console.Workflows"), f).Replace('\\', '/'))
            .Where(f => !allowed.Contains(f))
            .ToList();

        readers.ShouldBeEmpty();
    }

    public void Dispose()
    {
        _checkpointKey.Dispose();
        _manifestKey.Dispose();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }

    private ServiceProvider Services(ISigningKeys? port, string? checkpointFile = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Keys:Folder"] = _folder,
            ["Audit:SigningKeyFile"] = checkpointFile ?? Path.Combine(_folder, "unused.pem"),
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging();
        if (port is not null)
            services.AddSingleton(port);
        services.AddAuditIntegrity(configuration);
        services.AddSnapshotLifecycle(configuration);
        return services.BuildServiceProvider();
    }

    private static SnapshotManifest Manifest() => new(
        SnapshotManifest.CurrentFormat, Guid.Parse("0190a0b0-0000-7000-8000-000000000001"), Guid.Parse("0190a0b0-0000-7000-8000-000000000002"),
        "vnf-amf-1", 7, [new ManifestComponent(Guid.Parse("0190a0b0-0000-7000-8000-000000000003"), "amf", Sensitivity.Critical, Guid.Empty)],
        Guid.Parse("0190a0b0-0000-7000-8000-000000000004"), Guid.Parse("0190a0b0-0000-7000-8000-000000000005"), "s3://snapshots/1",
        "sha256:00", 1024, "operator", ["approver"], DateTimeOffset.UnixEpoch, [new ManifestKey(Guid.Empty, "dk", "kek")]);

    private static string RepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Console.sln")))
                return dir.FullName;
        }

        throw new InvalidOperationException("Console.sln not found above the test assembly.");
    }

    private sealed class RecordingSigningKeys(ISigningKeys inner) : ISigningKeys
    {
        public List<(string Key, SignatureEncoding Encoding)> Signed { get; } = [];

        public byte[] PublicKey(string keyName) => inner.PublicKey(keyName);

        public byte[] Sign(string keyName, ReadOnlySpan<byte> data, SignatureEncoding encoding)
        {
            Signed.Add((keyName, encoding));
            return inner.Sign(keyName, data, encoding);
        }
    }
}
