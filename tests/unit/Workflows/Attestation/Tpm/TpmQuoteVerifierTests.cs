using System.Security.Cryptography;
using Console.Workflows.Attestation;
using Console.Workflows.Attestation.Tpm;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Attestation.Tpm;

/// <summary>
/// The pure verifier on the captured TPM quote (Captured/README.md): accepted as the TPM made it, refused with its own
/// reason for each way of replaying, altering or re-attributing it.
/// </summary>
public sealed class TpmQuoteVerifierTests
{
    private static readonly Guid Environment = Guid.Parse("2d7d4c61-0c1f-4f54-8b0e-7b2a3c9e1f10");
    private static readonly DateTimeOffset IssuedAt = new(2026, 12, 3, 20, 52, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    private static string AkPublicKey => Convert.ToBase64String(TpmPublicKey.SubjectPublicKeyInfo(CapturedQuote.AkPem));

    private static IReadOnlyList<Measurement> Quoted =>
    [
        new("sha256:0", Convert.ToHexStringLower(CapturedQuote.PcrValues[..32])),
        new("sha256:7", Convert.ToHexStringLower(CapturedQuote.PcrValues[32..])),
    ];

    private static AttestationRegistration Registration(IReadOnlyList<Measurement>? reference = null, string? publicKey = null)
    {
        var key = publicKey ?? AkPublicKey;
        return new(Environment, AttestedSubjectKind.Environment, EvidenceVerifier.KeyIdOf(Convert.FromBase64String(key)), key, reference ?? Quoted);
    }

    private static AttestationEvidence Evidence(byte[]? attest = null, IReadOnlyList<Measurement>? measurements = null, byte[]? signature = null) =>
        new(new AttestationQuote(AttestedSubjectKind.Environment, Environment, CapturedQuote.Nonce, IssuedAt, measurements ?? Quoted),
            EvidenceVerifier.KeyIdOf(TpmPublicKey.SubjectPublicKeyInfo(CapturedQuote.AkPem)),
            Convert.ToBase64String(signature ?? CapturedQuote.Signature),
            new TpmQuoteBytes(Convert.ToBase64String(attest ?? CapturedQuote.Attest)));

    private static EvidenceVerdict Verify(
        AttestationEvidence evidence, string? nonce = null, AttestationRegistration? registration = null, DateTimeOffset? now = null) =>
        EvidenceVerifier.Verify(evidence, Environment, nonce ?? CapturedQuote.Nonce, registration ?? Registration(), now ?? IssuedAt.AddSeconds(2), MaxAge);

    [Fact]
    public void TpmQuote_Captured_IsAcceptedWithWhatTheTpmSigned()
    {
        var verdict = Verify(Evidence());

        verdict.Accepted.ShouldBeTrue(verdict.Detail);
        verdict.Detail.ShouldContain("TPM quote over sha256:0, sha256:7");
        verdict.Detail.ShouldContain("2 measurement(s) match the reference values");
    }

    [Fact]
    public void TpmQuote_ReplayedForAnotherNonce_IsRefusedAsWrongNonce()
    {
        var verdict = Verify(Evidence(), nonce: Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32)));

        verdict.Refusal.ShouldBe(EvidenceRefusal.WrongNonce);
        verdict.Detail.ShouldContain("may be replayed");
    }

    [Fact]
    public void TpmQuote_NonceClaimedBesideTheQuote_DoesNotCount()
    {
        // The attester's claim of the nonce is not signed: only the TPMS_ATTEST's qualifying data is.
        var other = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        var evidence = Evidence() with { Quote = Evidence().Quote with { Nonce = other } };

        Verify(evidence, nonce: other).Refusal.ShouldBe(EvidenceRefusal.WrongNonce);
    }

    [Fact]
    public void TpmQuote_PcrChangedAgainstTheReference_IsRefusedAsMeasurementMismatch()
    {
        var reference = new[] { Quoted[0], new Measurement("sha256:7", new string('0', 64)) };

        var verdict = Verify(Evidence(), registration: Registration(reference));

        verdict.Refusal.ShouldBe(EvidenceRefusal.MeasurementMismatch);
        verdict.Detail.ShouldContain("sha256:7 is f5bba81a0d93…, expected 000000000000…");
    }

    [Fact]
    public void TpmQuote_PcrValuePresentedOtherThanQuoted_IsRefusedAsPcrDigestMismatch()
    {
        // An attester that presents the reference value instead of what its TPM measured.
        var presented = new[] { Quoted[0], new Measurement("sha256:7", new string('a', 64)) };

        var verdict = Verify(Evidence(measurements: presented), registration: Registration(presented));

        verdict.Refusal.ShouldBe(EvidenceRefusal.PcrDigestMismatch);
        verdict.Detail.ShouldContain("not the values it quoted");
    }

    [Fact]
    public void TpmQuote_MeasurementTheTpmDidNotQuote_IsRefusedAsPcrDigestMismatch()
    {
        var presented = Quoted.Append(new Measurement("sha256:10", new string('c', 64))).ToList();

        var verdict = Verify(Evidence(measurements: presented), registration: Registration(presented));

        verdict.Refusal.ShouldBe(EvidenceRefusal.PcrDigestMismatch);
        verdict.Detail.ShouldContain("sha256:10, which the TPM did not quote");
    }

    [Fact]
    public void TpmQuote_SignatureOverOtherData_IsRefusedAsBadSignature()
    {
        // One bit of the TPM's clock changed: the bytes parse, but the TPM never signed them.
        var attest = CapturedQuote.Attest.ToArray();
        attest[0x50] ^= 0x01;

        var verdict = Verify(Evidence(attest: attest));

        verdict.Refusal.ShouldBe(EvidenceRefusal.BadSignature);
        verdict.Detail.ShouldContain("does not verify with the registered attestation key");
    }

    [Fact]
    public void TpmQuote_SignedByAnUnknownAk_IsRefusedAsUnknownKey()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var verdict = Verify(Evidence(), registration: Registration(publicKey: Convert.ToBase64String(other.ExportSubjectPublicKeyInfo())));

        verdict.Refusal.ShouldBe(EvidenceRefusal.UnknownKey);
        verdict.Detail.ShouldContain("not by the registered attestation key");
    }

    [Fact]
    public void TpmQuote_ClaimingTheRegisteredKeyIdButSignedByAnother_IsRefusedAsBadSignature()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var otherKey = Convert.ToBase64String(other.ExportSubjectPublicKeyInfo());
        var evidence = Evidence() with { KeyId = EvidenceVerifier.KeyIdOf(Convert.FromBase64String(otherKey)) };

        Verify(evidence, registration: Registration(publicKey: otherKey)).Refusal.ShouldBe(EvidenceRefusal.BadSignature);
    }

    [Fact]
    public void TpmQuote_Stale_IsRefusedWithItsAge()
    {
        var verdict = Verify(Evidence(), now: IssuedAt + MaxAge + TimeSpan.FromSeconds(1));

        verdict.Refusal.ShouldBe(EvidenceRefusal.Stale);
        verdict.Detail.ShouldContain("at most 5 min is accepted");
    }

    [Fact]
    public void TpmQuote_NotATpmStructure_IsRefusedAsMalformed()
    {
        var verdict = Verify(Evidence(attest: [1, 2, 3, 4, 5, 6]));

        verdict.Refusal.ShouldBe(EvidenceRefusal.Malformed);
        verdict.Detail.ShouldContain("cannot be read");
    }
}
