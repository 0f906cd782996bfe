using System.Security.Cryptography;
using System.Text;
using Console.Workflows.Audit.Integrity;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Audit.Integrity;

public sealed class CheckpointTextTests : IDisposable
{
    private static readonly byte[] Hash = Convert.FromHexString("44ddf2532e269d8a3a20db897b0e9594855f87a44425d918e3e124c19d7b8bb3");

    private readonly List<string> _files = [];

    [Fact]
    public void For_Checkpoint_IsTheDocumentedSevenLines()
    {
        var text = CheckpointText.For(12, 12000, 12345, Hash, new DateTimeOffset(2026, 11, 27, 7, 36, 10, TimeSpan.FromHours(1)).AddTicks(683_579), "ab12");

        text.ShouldBe(
            "vnf-console audit checkpoint v1\n" +
            "number: 12\n" +
            "position: 12000\n" +
            "sequence: 12345\n" +
            "entry-hash: 44ddf2532e269d8a3a20db897b0e9594855f87a44425d918e3e124c19d7b8bb3\n" +
            "created-at: 2026-11-27T06:36:10.068357Z\n" +
            "key-id: ab12\n");
    }

    [Fact]
    public void TruncateToMicros_DropsTheSubMicrosecondTicks()
    {
        var at = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero).AddTicks(1_234_567);

        CheckpointText.TruncateToMicros(at).Ticks.ShouldBe(at.Ticks - 7);
    }

    [Fact]
    public void Sign_ThenVerifyWithThePublicKeyOnly_Holds_AndAnyChangeBreaksIt()
    {
        using var keys = Load(WriteKey(ECCurve.NamedCurves.nistP256));
        var text = CheckpointText.For(1, 10, 11, Hash, DateTimeOffset.UnixEpoch, keys.KeyId);

        var signature = keys.Sign(text);

        using var publicOnly = ECDsa.Create();
        publicOnly.ImportFromPem(keys.PublicKeyPem);
        publicOnly.VerifyData(Encoding.UTF8.GetBytes(text), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence).ShouldBeTrue();
        keys.Verify(keys.KeyId, text, signature).ShouldBe(SignatureCheck.Valid);
        keys.Verify(keys.KeyId, text.Replace("position: 10", "position: 11", StringComparison.Ordinal), signature).ShouldBe(SignatureCheck.Invalid);
        keys.Verify(new string('0', 64), text, signature).ShouldBe(SignatureCheck.UnknownKey);
        keys.Verify(keys.KeyId, text, [0x30, 0x01, 0x00]).ShouldBe(SignatureCheck.Invalid);
    }

    [Fact]
    public void Signature_IsDerAndTheKeyIdIsTheSha256OfTheSubjectPublicKeyInfo()
    {
        using var keys = Load(WriteKey(ECCurve.NamedCurves.nistP256));
        using var publicOnly = ECDsa.Create();
        publicOnly.ImportFromPem(keys.PublicKeyPem);

        var signature = keys.Sign("x");

        signature[0].ShouldBe((byte)0x30);
        signature[1].ShouldBe((byte)(signature.Length - 2));
        keys.KeyId.ShouldBe(Convert.ToHexStringLower(SHA256.HashData(publicOnly.ExportSubjectPublicKeyInfo())));
        keys.PublicKeyPem.ShouldStartWith("-----BEGIN PUBLIC KEY-----");
    }

    [Fact]
    public void Load_EncryptedKeyWithItsPassword_Signs()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var file = Temp();
        File.WriteAllText(file, key.ExportEncryptedPkcs8PrivateKeyPem("s3cret".AsSpan(),
            new PbeParameters(PbeEncryptionAlgorithm.Aes256Cbc, HashAlgorithmName.SHA256, 10_000)));

        using var keys = CheckpointKeys.Load(new AuditIntegrityOptions { SigningKeyFile = file, SigningKeyPassword = "s3cret" }, NullLogger.Instance);

        keys.KeyId.ShouldBe(CheckpointKeys.KeyIdOf(key));
        Should.Throw<InvalidOperationException>(() => CheckpointKeys.Load(new AuditIntegrityOptions { SigningKeyFile = file }, NullLogger.Instance))
            .Message.ShouldContain("SigningKeyPassword");
    }

    [Fact]
    public void Load_KeyOnAnotherCurve_IsRefused()
    {
        var file = WriteKey(ECCurve.NamedCurves.nistP384);

        Should.Throw<InvalidOperationException>(() => Load(file)).Message.ShouldContain("P-256");
    }

    [Fact]
    public void Load_ConfiguredFileMissing_SaysWhichSetting()
    {
        var missing = Temp();

        Should.Throw<InvalidOperationException>(() => Load(missing)).Message.ShouldContain("Audit:SigningKeyFile");
    }

    [Fact]
    public void Load_TrustedPublicKeysOfEarlierKeys_VerifyTheirCheckpoints()
    {
        using var earlier = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var publicFile = Temp();
        File.WriteAllText(publicFile, earlier.ExportSubjectPublicKeyInfoPem());
        var options = new AuditIntegrityOptions { SigningKeyFile = WriteKey(ECCurve.NamedCurves.nistP256) };
        options.TrustedPublicKeyFiles.Add(publicFile);
        var earlierId = CheckpointKeys.KeyIdOf(earlier);
        var text = CheckpointText.For(1, 1, 1, Hash, DateTimeOffset.UnixEpoch, earlierId);
        var signature = earlier.SignData(Encoding.UTF8.GetBytes(text), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

        using var keys = CheckpointKeys.Load(options, NullLogger.Instance);

        keys.Verify(earlierId, text, signature).ShouldBe(SignatureCheck.Valid);
        keys.PublicKeyPemFor(earlierId).ShouldBe(earlier.ExportSubjectPublicKeyInfoPem());
    }

    public void Dispose()
    {
        foreach (var file in _files)
            File.Delete(file);
    }

    private static CheckpointKeys Load(string file) =>
        CheckpointKeys.Load(new AuditIntegrityOptions { SigningKeyFile = file }, NullLogger.Instance);

    private string WriteKey(ECCurve curve)
    {
        using var key = ECDsa.Create(curve);
        var file = Temp();
        File.WriteAllText(file, key.ExportPkcs8PrivateKeyPem());
        return file;
    }

    private string Temp()
    {
        var file = Path.Combine(Path.GetTempPath(), $"audit-key-test-{Guid.NewGuid():N}.pem");
        _files.Add(file);
        return file;
    }
}
