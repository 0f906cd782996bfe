using System.Security.Cryptography;
using System.Text;
using Console.UnitTests.Workflows.Audit.Integrity;
using Console.Workflows.Attestation.Tpm;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Attestation.Tpm;

/// <summary>The TPM 2.0 structures read from a quote a real (software) TPM produced; see Captured/README.md.</summary>
public sealed class TpmStructuresTests
{
    [Fact]
    public void Parse_CapturedQuote_ReadsEveryFieldOfTheTpmsAttest()
    {
        var info = TpmQuoteInfo.Parse(CapturedQuote.Attest);

        info.ExtraData.ShouldBe(Convert.FromHexString(CapturedQuote.Nonce));
        info.PcrSelections.ShouldHaveSingleItem().HashAlgorithm.ShouldBe(TpmAlgorithm.Sha256);
        info.Registers.ShouldBe(["sha256:0", "sha256:7"]);
        // The qualified signer is a TPM2B_NAME: the name algorithm (SHA-256) and a 32-byte digest.
        info.QualifiedSigner.Length.ShouldBe(34);
        info.QualifiedSigner[..2].ShouldBe(new byte[] { 0x00, 0x0b });
        info.ClockInfo.Safe.ShouldBeTrue();
        info.ClockInfo.Clock.ShouldBeGreaterThan(0UL);
        info.FirmwareVersion.ShouldNotBe(0UL);
        info.PcrDigest.ShouldBe(SHA256.HashData(CapturedQuote.PcrValues));
    }

    [Fact]
    public void CapturedPcrValues_AreTheBootMeasurementsTheScriptExtended()
    {
        // swtpm.sh extends each PCR once from zero: PCR = SHA-256(32 zero bytes || measurement).
        static byte[] Extended(string measurement) =>
            SHA256.HashData([.. new byte[32], .. SHA256.HashData(Encoding.UTF8.GetBytes(measurement))]);

        CapturedQuote.PcrValues[..32].ShouldBe(Extended("vnf-console firmware of edge-1"));
        CapturedQuote.PcrValues[32..].ShouldBe(Extended("vnf-console secure-boot policy: enforcing"));
    }

    [Fact]
    public void Parse_CapturedSignature_IsEcdsaOverSha256WithRAndS()
    {
        var signature = TpmEcdsaSignature.Parse(CapturedQuote.Signature);

        signature.HashAlgorithm.ShouldBe(TpmAlgorithm.Sha256);
        signature.R.Length.ShouldBe(32);
        signature.S.Length.ShouldBe(32);
        using var key = ECDsa.Create();
        key.ImportFromPem(Encoding.ASCII.GetString(CapturedQuote.AkPem));
        key.VerifyData(CapturedQuote.Attest, signature.P1363(32), HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation)
            .ShouldBeTrue();
    }

    [Fact]
    public void SubjectPublicKeyInfo_OfTheTpm2bPublic_IsTheSameKeyAsThePem()
    {
        TpmPublicKey.SubjectPublicKeyInfo(CapturedQuote.AkTpm2bPublic)
            .ShouldBe(TpmPublicKey.SubjectPublicKeyInfo(CapturedQuote.AkPem));
    }

    [Fact]
    public void Parse_WrongMagic_SaysItIsNotTpmGenerated()
    {
        var attest = CapturedQuote.Attest.ToArray();
        attest[0] = 0x00;

        Should.Throw<TpmFormatException>(() => TpmQuoteInfo.Parse(attest)).Message.ShouldContain("Not a TPM-generated structure");
    }

    [Fact]
    public void Parse_OtherAttestationType_SaysItIsNotAQuote()
    {
        var attest = CapturedQuote.Attest.ToArray();
        attest[5] = 0x17; // TPM_ST_ATTEST_CERTIFY

        Should.Throw<TpmFormatException>(() => TpmQuoteInfo.Parse(attest)).Message.ShouldContain("Not a quote");
    }

    [Fact]
    public void Parse_Truncated_SaysWhereItEnded()
    {
        Should.Throw<TpmFormatException>(() => TpmQuoteInfo.Parse(CapturedQuote.Attest.AsSpan(0, 100))).Message.ShouldContain("ends after 100 bytes");
    }

    [Fact]
    public void Parse_SignatureOfAnotherAlgorithm_IsRefusedAsNotEcdsa()
    {
        var signature = CapturedQuote.Signature.ToArray();
        signature[1] = 0x14; // TPM_ALG_RSASSA

        Should.Throw<TpmFormatException>(() => TpmEcdsaSignature.Parse(signature)).Message.ShouldContain("not ECDSA");
    }
}

/// <summary>The captured quote's files (tests/unit/Workflows/Attestation/Tpm/Captured).</summary>
internal static class CapturedQuote
{
    private static string Folder => Path.Combine(TestRepository.Root, "tests", "unit", "Workflows", "Attestation", "Tpm", "Captured");

    public static string Nonce => File.ReadAllText(Path.Combine(Folder, "nonce.hex")).Trim();

    public static byte[] Attest => File.ReadAllBytes(Path.Combine(Folder, "quote.attest"));

    public static byte[] Signature => File.ReadAllBytes(Path.Combine(Folder, "quote.sig"));

    public static byte[] PcrValues => File.ReadAllBytes(Path.Combine(Folder, "quote.pcrs"));

    public static byte[] AkPem => File.ReadAllBytes(Path.Combine(Folder, "ak.pub.pem"));

    public static byte[] AkTpm2bPublic => File.ReadAllBytes(Path.Combine(Folder, "ak.tpm2b_public"));
}
