using System.Security.Cryptography;
using Console.Workflows.Attestation;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Attestation;

/// <summary>
/// Evidence judged by the pure verifier: a genuine quote is accepted; each way of forging, replaying or ageing it is
/// refused with its own reason.
/// </summary>
public sealed class EvidenceVerifierTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);
    private static readonly Guid Subject = Guid.Parse("5b0f3b4e-8d57-4c0a-9a55-2f1f0cde0a01");
    private const string Nonce = "b7c1e0f6a3d24c58";

    private static readonly Measurement[] Golden =
    [
        new("pcr0", new string('a', 64)),
        new("pcr7", new string('b', 64)),
        new("ima", new string('c', 64)),
    ];

    private readonly ECDsa _key = ECDsa.Create(ECCurve.NamedCurves.nistP256);

    private AttestationRegistration Registration => new(
        Subject, AttestedSubjectKind.Environment, KeyId(_key), Convert.ToBase64String(_key.ExportSubjectPublicKeyInfo()), Golden);

    public void Dispose() => _key.Dispose();

    private static string KeyId(ECDsa key) => EvidenceVerifier.KeyIdOf(key.ExportSubjectPublicKeyInfo());

    private static AttestationQuote Quote(
        string nonce = Nonce, DateTimeOffset? issuedAt = null, IReadOnlyList<Measurement>? measurements = null, Guid? subject = null) =>
        new(AttestedSubjectKind.Environment, subject ?? Subject, nonce, issuedAt ?? Now.AddSeconds(-20), measurements ?? Golden);

    private static AttestationEvidence Sign(AttestationQuote quote, ECDsa key) =>
        new(quote, KeyId(key), Convert.ToBase64String(
            key.SignData(QuoteEncoding.CanonicalBytes(quote), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)));

    private EvidenceVerdict Verify(AttestationEvidence evidence, AttestationRegistration? registration = null) =>
        EvidenceVerifier.Verify(evidence, Subject, Nonce, registration ?? Registration, Now, MaxAge);

    [Fact]
    public void Verify_GenuineFreshQuote_IsAccepted()
    {
        var verdict = Verify(Sign(Quote(), _key));

        verdict.Accepted.ShouldBeTrue(verdict.Detail);
        verdict.Refusal.ShouldBeNull();
        verdict.Detail.ShouldContain("3 measurement(s) match");
    }

    [Fact]
    public void EvidenceRefused_BadSignature_WhenTheQuoteWasAlteredAfterSigning()
    {
        var signed = Sign(Quote(), _key);
        var altered = signed with { Quote = signed.Quote with { Measurements = [.. Golden.Take(2), new Measurement("ima", new string('d', 64))] } };

        var verdict = Verify(altered);

        verdict.Refusal.ShouldBe(EvidenceRefusal.BadSignature);
        verdict.Detail.ShouldContain("does not verify");
    }

    [Fact]
    public void EvidenceRefused_BadSignature_WhenAnotherKeyClaimsTheRegisteredKeyId()
    {
        using var impostor = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var forged = Sign(Quote(), impostor) with { KeyId = KeyId(_key) };

        Verify(forged).Refusal.ShouldBe(EvidenceRefusal.BadSignature);
    }

    [Fact]
    public void EvidenceRefused_UnknownKey_WhenSignedByAnUnregisteredKey()
    {
        using var other = ECDsa.Create(ECCurve.NamedCurves.nistP256);

        var verdict = Verify(Sign(Quote(), other));

        verdict.Refusal.ShouldBe(EvidenceRefusal.UnknownKey);
        verdict.Detail.ShouldContain(KeyId(_key));
    }

    [Fact]
    public void EvidenceRefused_WrongNonce_WhenAnOldQuoteIsReplayed()
    {
        var verdict = Verify(Sign(Quote(nonce: "an-earlier-nonce"), _key));

        verdict.Refusal.ShouldBe(EvidenceRefusal.WrongNonce);
        verdict.Detail.ShouldContain("replayed");
    }

    [Fact]
    public void EvidenceRefused_Stale_WhenIssuedLongerAgoThanAccepted()
    {
        var verdict = Verify(Sign(Quote(issuedAt: Now - MaxAge - TimeSpan.FromSeconds(1)), _key));

        verdict.Refusal.ShouldBe(EvidenceRefusal.Stale);
        verdict.Detail.ShouldContain("at most 5 min");
    }

    [Fact]
    public void EvidenceRefused_FromTheFuture_BeyondTheAllowedClockSkew()
    {
        Verify(Sign(Quote(issuedAt: Now + EvidenceVerifier.AllowedClockSkew + TimeSpan.FromSeconds(1)), _key))
            .Refusal.ShouldBe(EvidenceRefusal.FromTheFuture);
        Verify(Sign(Quote(issuedAt: Now + EvidenceVerifier.AllowedClockSkew), _key)).Accepted.ShouldBeTrue();
    }

    [Fact]
    public void EvidenceRefused_MeasurementMismatch_NamesEveryRegisterThatDiffersOrIsMissing()
    {
        var changed = new Measurement[] { new("pcr0", new string('a', 64)), new("pcr7", new string('e', 64)) };

        var verdict = Verify(Sign(Quote(measurements: changed), _key));

        verdict.Refusal.ShouldBe(EvidenceRefusal.MeasurementMismatch);
        verdict.Detail.ShouldContain("pcr7 is eeeeeeeeeeee");
        verdict.Detail.ShouldContain("ima is missing");
        verdict.Detail.ShouldNotContain("pcr0");
    }

    [Fact]
    public void EvidenceRefused_MeasurementMismatch_WhenARegisterIsPresentedTwice()
    {
        var doubled = Golden.Append(new Measurement("pcr0", new string('f', 64))).ToArray();

        Verify(Sign(Quote(measurements: doubled), _key)).Refusal.ShouldBe(EvidenceRefusal.MeasurementMismatch);
    }

    [Fact]
    public void EvidenceRefused_WrongSubject_WhenTheQuoteIsAboutAnotherSubject()
    {
        Verify(Sign(Quote(subject: Guid.NewGuid()), _key)).Refusal.ShouldBe(EvidenceRefusal.WrongSubject);
    }

    [Fact]
    public void EvidenceRefused_NotRegistered_WithoutKeyOrReferenceValues()
    {
        var evidence = Sign(Quote(), _key);

        EvidenceVerifier.Verify(evidence, Subject, Nonce, null, Now, MaxAge).Refusal.ShouldBe(EvidenceRefusal.NotRegistered);
        Verify(evidence, Registration with { ReferenceValues = [] }).Refusal.ShouldBe(EvidenceRefusal.NotRegistered);
    }

    [Fact]
    public void CanonicalBytes_DoNotDependOnMeasurementOrderOrDigestCase_ButOnEveryField()
    {
        var quote = Quote();
        var reordered = quote with { Measurements = [.. Golden.Reverse().Select(m => m with { Digest = m.Digest.ToUpperInvariant() })] };

        QuoteEncoding.CanonicalBytes(reordered).ShouldBe(QuoteEncoding.CanonicalBytes(quote));
        QuoteEncoding.CanonicalBytes(quote with { Nonce = "other" }).ShouldNotBe(QuoteEncoding.CanonicalBytes(quote));
        QuoteEncoding.CanonicalBytes(quote with { IssuedAt = quote.IssuedAt.AddTicks(1) }).ShouldNotBe(QuoteEncoding.CanonicalBytes(quote));
        QuoteEncoding.CanonicalBytes(quote with { SubjectKind = AttestedSubjectKind.VnfInstance }).ShouldNotBe(QuoteEncoding.CanonicalBytes(quote));
        Should.Throw<ArgumentException>(() => QuoteEncoding.CanonicalBytes(quote with { Measurements = [new Measurement("pcr=0", "00")] }));
    }
}
