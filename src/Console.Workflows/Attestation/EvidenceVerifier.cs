using System.Security.Cryptography;
using Console.Workflows.Attestation.Tpm;

namespace Console.Workflows.Attestation;

/// <summary>Why evidence was refused.</summary>
public enum EvidenceRefusal
{
    /// <summary>No attestation key or no reference values are registered for the subject.</summary>
    NotRegistered = 0,

    /// <summary>The quote is about another subject than the one asked.</summary>
    WrongSubject = 1,

    /// <summary>Signed by a key other than the subject's registered one.</summary>
    UnknownKey = 2,

    /// <summary>The signature does not verify over the quote's canonical bytes.</summary>
    BadSignature = 3,

    /// <summary>Not the nonce the console sent for this verification: a replay, or an answer to someone else.</summary>
    WrongNonce = 4,

    /// <summary>Issued longer ago than accepted.</summary>
    Stale = 5,

    /// <summary>Issued in the future beyond the allowed clock skew.</summary>
    FromTheFuture = 6,

    /// <summary>A measurement differs from, or is missing against, the registered reference values.</summary>
    MeasurementMismatch = 7,

    /// <summary>The evidence cannot be read: not a TPM quote, truncated, or of an unsupported algorithm.</summary>
    Malformed = 8,

    /// <summary>The PCR values presented are not the ones the TPM signed: they do not hash to the quote's PCR digest.</summary>
    PcrDigestMismatch = 9,

    /// <summary>Signed by an attestation key a security officer revoked.</summary>
    RevokedKey = 10,
}

/// <summary>What the console registered for a subject: its attestation key and its reference measurements.</summary>
public sealed record AttestationRegistration(
    Guid SubjectId, AttestedSubjectKind SubjectKind, string KeyId, string PublicKey, IReadOnlyList<Measurement> ReferenceValues);

/// <summary>The verdict on one piece of evidence.</summary>
public sealed record EvidenceVerdict(bool Accepted, EvidenceRefusal? Refusal, string Detail)
{
    public static EvidenceVerdict Accept(string detail) => new(true, null, detail);

    public static EvidenceVerdict Refuse(EvidenceRefusal refusal, string detail) => new(false, refusal, detail);
}

/// <summary>
/// Judges attestation evidence (pure: no clock, no I/O): subject, key, signature, nonce, freshness and measurements,
/// in that order, refusing at the first failure with its reason.
/// </summary>
public static class EvidenceVerifier
{
    /// <summary>How far a subject's clock may run ahead of the console's.</summary>
    public static readonly TimeSpan AllowedClockSkew = TimeSpan.FromSeconds(30);

    public static EvidenceVerdict Verify(
        AttestationEvidence evidence,
        Guid expectedSubject,
        string expectedNonce,
        AttestationRegistration? registration,
        DateTimeOffset now,
        TimeSpan maxAge)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        var quote = evidence.Quote;
        if (registration is null || registration.ReferenceValues.Count == 0)
            return EvidenceVerdict.Refuse(EvidenceRefusal.NotRegistered,
                $"No attestation key and reference values are registered for {expectedSubject:D}; register them before trusting it.");
        if (quote.SubjectId != expectedSubject || quote.SubjectKind != registration.SubjectKind || registration.SubjectId != expectedSubject)
            return EvidenceVerdict.Refuse(EvidenceRefusal.WrongSubject,
                $"The quote is about {quote.SubjectKind} {quote.SubjectId:D}, not about {registration.SubjectKind} {expectedSubject:D} that was asked.");
        if (!string.Equals(evidence.KeyId, registration.KeyId, StringComparison.Ordinal))
            return EvidenceVerdict.Refuse(EvidenceRefusal.UnknownKey,
                $"The quote is signed by key {evidence.KeyId}, not by the registered attestation key {registration.KeyId}.");
        var tpmDetail = "";
        if (evidence.Tpm is not null)
        {
            // The TPM's own structure: signature, nonce and PCR digest are judged on the bytes the TPM signed.
            var tpm = TpmQuoteVerifier.Verify(evidence, expectedNonce, registration);
            if (tpm.Refusal is not null)
                return tpm.Refusal;
            tpmDetail = tpm.Detail;
        }
        else
        {
            if (!SignatureVerifies(evidence, registration.PublicKey))
                return EvidenceVerdict.Refuse(EvidenceRefusal.BadSignature,
                    $"The signature does not verify with the registered key {registration.KeyId}: the quote was altered or not signed by the subject.");
            if (string.IsNullOrEmpty(expectedNonce)
                || !CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(quote.Nonce), System.Text.Encoding.UTF8.GetBytes(expectedNonce)))
                return EvidenceVerdict.Refuse(EvidenceRefusal.WrongNonce, ReplayedNonce);
        }

        var age = now - quote.IssuedAt;
        if (age > maxAge)
            return EvidenceVerdict.Refuse(EvidenceRefusal.Stale,
                $"The quote was issued {quote.IssuedAt:u}, {Describe(age)} ago; at most {Describe(maxAge)} is accepted.");
        if (-age > AllowedClockSkew)
            return EvidenceVerdict.Refuse(EvidenceRefusal.FromTheFuture,
                $"The quote claims to be issued {Describe(-age)} in the future; check the subject's clock.");

        var presented = quote.Measurements
            .GroupBy(m => m.Register, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(m => m.Digest.ToLowerInvariant()).ToList(), StringComparer.Ordinal);
        var problems = new List<string>();
        foreach (var reference in registration.ReferenceValues.OrderBy(r => r.Register, StringComparer.Ordinal))
        {
            if (!presented.TryGetValue(reference.Register, out var digests))
                problems.Add($"{reference.Register} is missing");
            else if (digests.Count != 1 || !string.Equals(digests[0], reference.Digest.ToLowerInvariant(), StringComparison.Ordinal))
                problems.Add($"{reference.Register} is {string.Join("/", digests.Select(Short))}, expected {Short(reference.Digest)}");
        }

        if (problems.Count > 0)
            return EvidenceVerdict.Refuse(EvidenceRefusal.MeasurementMismatch,
                "The measurements do not match the reference values: " + string.Join("; ", problems) + ".");

        return EvidenceVerdict.Accept(
            $"Signature by {registration.KeyId} verified; nonce matched; issued {Describe(age)} ago; {registration.ReferenceValues.Count} measurement(s) match the reference values.{tpmDetail}");
    }

    internal const string ReplayedNonce = "The quote does not carry the nonce the console sent for this verification; it may be replayed.";

    /// <summary>The key id the console uses for a public key: SHA-256 of its SubjectPublicKeyInfo, hex, first 16 bytes.</summary>
    public static string KeyIdOf(byte[] subjectPublicKeyInfo) =>
        "ak-" + Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo).AsSpan(0, 16));

    private static bool SignatureVerifies(AttestationEvidence evidence, string publicKey)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKey), out _);
            var signature = Convert.FromBase64String(evidence.Signature);
            return key.VerifyData(
                QuoteEncoding.CanonicalBytes(evidence.Quote), signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or ArgumentException)
        {
            return false;
        }
    }

    private static string Short(string digest) => digest.Length > 12 ? digest[..12] + "…" : digest;

    private static string Describe(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{span.TotalHours:0.#} h"
        : span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.#} min"
        : $"{Math.Max(0, span.TotalSeconds):0.#} s";
}
