using System.Security.Cryptography;
using System.Text;
using Console.Workflows.Keys;
using Console.Workflows.Keys.Hsm;
using Microsoft.Extensions.Logging.Abstractions;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Keys.Hsm;

/// <summary>
/// The signing keys (audit checkpoints, snapshot manifests) in a real SoftHSM2 token: generated or imported into the
/// token as sensitive, non-extractable objects, signing inside it in both encodings the console uses, an existing
/// install's key file imported once so that its earlier signatures stay verifiable, and a missing key named clearly
/// when the console may not create it. Each test has a signing token of its own.
/// </summary>
public sealed class Pkcs11SigningKeysTests : IDisposable
{
    private readonly Pkcs11Options _options = SoftHsmStore.Options();
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"hsm-signing-{Guid.NewGuid():N}");
    private readonly List<Pkcs11SigningKeys> _adapters = [];

    public Pkcs11SigningKeysTests()
    {
        _options.SigningTokenLabel = "sig-" + Guid.NewGuid().ToString("N")[..20];
        Directory.CreateDirectory(_folder);
    }

    private Pkcs11SigningKeys Adapter(params SigningKeyFile[] files)
    {
        var adapter = new Pkcs11SigningKeys(_options, files, NullLogger<Pkcs11SigningKeys>.Instance);
        _adapters.Add(adapter);
        return adapter;
    }

    private T InToken<T>(Func<ISession, T> act)
    {
        var slot = Pkcs11Module.Open(_options.ModulePath).FindToken(_options.SigningTokenLabel).ShouldNotBeNull();
        using var session = slot.OpenSession(SessionType.ReadWrite);
        try
        {
            session.Login(CKU.CKU_USER, _options.UserPin(Guid.Empty));
        }
        catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
        }

        return act(session);
    }

    private static ECDsa Public(byte[] spki)
    {
        var key = ECDsa.Create();
        key.ImportSubjectPublicKeyInfo(spki, out _);
        return key;
    }

    [Fact]
    public void Hsm_SigningKey_IsGeneratedInsideTheToken_SignsThere_AndCannotBeRead()
    {
        var adapter = Adapter();
        var data = Encoding.UTF8.GetBytes("tree head 42 7f3a...");

        var der = adapter.Sign(SigningKeyNames.AuditCheckpoints, data, SignatureEncoding.Der);
        var p1363 = adapter.Sign(SigningKeyNames.AuditCheckpoints, data, SignatureEncoding.P1363);

        using var key = Public(adapter.PublicKey(SigningKeyNames.AuditCheckpoints));
        key.VerifyData(data, der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence).ShouldBeTrue();
        key.VerifyData(data, p1363, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation).ShouldBeTrue();
        key.VerifyData("tree head 43"u8, der, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence).ShouldBeFalse();
        InToken(session =>
        {
            var attributes = session.Factories.ObjectAttributeFactory;
            var privateKey = session.FindAllObjects(
            [
                attributes.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), attributes.Create(CKA.CKA_LABEL, SigningKeyNames.AuditCheckpoints),
            ]).ShouldHaveSingleItem();
            session.GetAttributeValue(privateKey, [CKA.CKA_TOKEN, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_NEVER_EXTRACTABLE, CKA.CKA_LOCAL])
                .Select(a => a.GetValueAsBool()).ShouldBe([true, true, false, true, true]);
            session.GetAttributeValue(privateKey, [CKA.CKA_VALUE]).ShouldHaveSingleItem().CannotBeRead.ShouldBeTrue();
            return 0;
        });
    }

    [Fact]
    public void Hsm_SigningKey_AnExistingKeyFile_IsImportedOnce_ItsEarlierSignaturesStayVerifiable()
    {
        using var fileKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = Path.Combine(_folder, "manifest.pem");
        File.WriteAllText(path, fileKey.ExportPkcs8PrivateKeyPem());
        var file = new SigningKeyFile(SigningKeyNames.SnapshotManifests, path, null, CreateIfMissing: false, "Snapshots:ManifestSigningKey");
        var earlier = fileKey.SignData("manifest of 2025"u8, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);

        var adapter = Adapter(file);
        adapter.PublicKey(SigningKeyNames.SnapshotManifests).ShouldBe(fileKey.ExportSubjectPublicKeyInfo());
        var now = adapter.Sign(SigningKeyNames.SnapshotManifests, "manifest of 2026"u8, SignatureEncoding.P1363);

        using var key = Public(adapter.PublicKey(SigningKeyNames.SnapshotManifests));
        key.VerifyData("manifest of 2025"u8, earlier, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation).ShouldBeTrue();
        key.VerifyData("manifest of 2026"u8, now, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation).ShouldBeTrue();
        // Imported, the key is held like a generated one: sensitive and not extractable. A second adapter (a restart, a
        // second node) finds it in the token and does not import the file again.
        InToken(session =>
        {
            var attributes = session.Factories.ObjectAttributeFactory;
            var privateKey = session.FindAllObjects(
            [
                attributes.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), attributes.Create(CKA.CKA_LABEL, SigningKeyNames.SnapshotManifests),
            ]).ShouldHaveSingleItem();
            session.GetAttributeValue(privateKey, [CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE]).Select(a => a.GetValueAsBool()).ShouldBe([true, false]);
            session.GetAttributeValue(privateKey, [CKA.CKA_VALUE]).ShouldHaveSingleItem().CannotBeRead.ShouldBeTrue();
            return 0;
        });
        File.Delete(path);
        Adapter(file).PublicKey(SigningKeyNames.SnapshotManifests).ShouldBe(fileKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public async Task Hsm_SigningKey_CreatedByFourCallersAtOnce_IsOneKey()
    {
        var adapters = Enumerable.Range(0, 4).Select(_ => Adapter()).ToList();

        var publicKeys = await Task.WhenAll(adapters.Select(a => Task.Run(() => a.PublicKey(SigningKeyNames.AuditCheckpoints))));

        publicKeys.Select(Convert.ToHexString).Distinct().ShouldHaveSingleItem();
        InToken(session => session.FindAllObjects(
        [
            session.Factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, SigningKeyNames.AuditCheckpoints),
        ]).Count).ShouldBe(2, "one private and one public object");
    }

    [Fact]
    public void Hsm_SigningKey_MissingWhereTheConsoleMayNotCreateIt_IsNamedWithWhatToDo()
    {
        // The token exists (an administrator made it), the key does not, and the console may not provision.
        Adapter().PublicKey(SigningKeyNames.AuditCheckpoints);
        _options.ProvisionTokens = false;

        var refused = Should.Throw<KeyUnavailableException>(() => Adapter().PublicKey(SigningKeyNames.SnapshotManifests));

        refused.Message.ShouldBe(
            $"Token '{_options.SigningTokenLabel}' holds no signing key 'snapshot-manifests'; its HSM administrators must create an ECDSA P-256 key pair labelled 'snapshot-manifests' (docs/keys-and-hsm.md).");
    }

    // What a process killed between the two C_CreateObject calls of an import leaves: the private half alone.
    private void LeaveHalfOfAnImport(string keyName, ECDsa key)
    {
        Adapter().PublicKey(SigningKeyNames.AuditCheckpoints); // the token exists, as it did when the import began
        var d = key.ExportParameters(includePrivateParameters: true).D!;
        InToken(session =>
        {
            var a = session.Factories.ObjectAttributeFactory;
            return session.CreateObject(
            [
                a.Create(CKA.CKA_CLASS, CKO.CKO_PRIVATE_KEY), a.Create(CKA.CKA_KEY_TYPE, CKK.CKK_EC), a.Create(CKA.CKA_TOKEN, true),
                a.Create(CKA.CKA_PRIVATE, true), a.Create(CKA.CKA_SIGN, true), a.Create(CKA.CKA_LABEL, keyName),
                a.Create(CKA.CKA_EC_PARAMS, Convert.FromHexString("06082A8648CE3D030107")), a.Create(CKA.CKA_VALUE, d),
            ]);
        });
    }

    private int ObjectsLabelled(string keyName) =>
        InToken(session => session.FindAllObjects([session.Factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, keyName)]).Count);

    [Fact]
    public void Hsm_SigningKey_ImportInterruptedHalfWay_IsImportedAgainFromTheFile()
    {
        using var fileKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var path = Path.Combine(_folder, "manifest.pem");
        File.WriteAllText(path, fileKey.ExportPkcs8PrivateKeyPem());
        var file = new SigningKeyFile(SigningKeyNames.SnapshotManifests, path, null, CreateIfMissing: false, "Snapshots:ManifestSigningKey");
        LeaveHalfOfAnImport(SigningKeyNames.SnapshotManifests, fileKey);
        ObjectsLabelled(SigningKeyNames.SnapshotManifests).ShouldBe(1);

        var adapter = Adapter(file);
        var signature = adapter.Sign(SigningKeyNames.SnapshotManifests, "manifest after the restart"u8, SignatureEncoding.P1363);

        adapter.PublicKey(SigningKeyNames.SnapshotManifests).ShouldBe(fileKey.ExportSubjectPublicKeyInfo());
        fileKey.VerifyData("manifest after the restart"u8, signature, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            .ShouldBeTrue();
        ObjectsLabelled(SigningKeyNames.SnapshotManifests).ShouldBe(2, "one private and one public object, the half replaced");
        Adapter(file).PublicKey(SigningKeyNames.SnapshotManifests).ShouldBe(fileKey.ExportSubjectPublicKeyInfo());
    }

    [Fact]
    public void Hsm_SigningKey_HalfOfAnImportWithoutItsFile_IsRefusedNotReplacedByATwin()
    {
        using var lostKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        LeaveHalfOfAnImport(SigningKeyNames.SnapshotManifests, lostKey);

        var refused = Should.Throw<KeyUnavailableException>(() => Adapter().PublicKey(SigningKeyNames.SnapshotManifests));

        refused.Message.ShouldBe(
            $"Token '{_options.SigningTokenLabel}' holds 1 object(s) labelled " +
            "'snapshot-manifests' but no complete key pair (an import was interrupted); put the key file back to import it again, or have the HSM " +
            "administrators delete those objects (docs/keys-and-hsm.md).");
        ObjectsLabelled(SigningKeyNames.SnapshotManifests).ShouldBe(1, "nothing generated beside the half");
    }

    [Fact]
    public void Hsm_SigningKey_DerEncoding_IsWhatOpensslChecks()
    {
        // r and s with leading zero bytes (and a high bit) are where a hand-made DER encoder goes wrong.
        byte[] raw = [.. new byte[31], 0x01, 0x80, .. Enumerable.Repeat((byte)0x11, 31)];

        var der = Pkcs11SigningKeys.ToDer(raw);

        Convert.ToHexString(der).ShouldBe("30260201010221" + "0080" + new string('1', 62));
    }

    public void Dispose()
    {
        foreach (var adapter in _adapters)
            adapter.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
