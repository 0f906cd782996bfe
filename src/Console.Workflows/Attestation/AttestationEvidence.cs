using System.Globalization;
using System.Text;

namespace Console.Workflows.Attestation;

/// <summary>What is attested: a platform (execution environment) or one running VNF instance.</summary>
public enum AttestedSubjectKind
{
    Environment = 0,
    VnfInstance = 1,
}

/// <summary>One measured register (TPM PCR-style): its name and the SHA-256 digest it holds, lower-case hex.</summary>
public sealed record Measurement(string Register, string Digest);

/// <summary>
/// A TPM-style quote: the subject's measurements, the console's nonce and the time of issue. The subject signs the
/// canonical bytes (<see cref="QuoteEncoding"/>) with its registered attestation key.
/// </summary>
public sealed record AttestationQuote(
    AttestedSubjectKind SubjectKind,
    Guid SubjectId,
    string Nonce,
    DateTimeOffset IssuedAt,
    IReadOnlyList<Measurement> Measurements);

/// <summary>
/// Evidence as presented: the quote, the id of the key that signed it and the signature (ECDSA P-256, DER, base64).
/// Evidence from a TPM also carries <see cref="Tpm"/>, the bytes the TPM signed; then <see cref="Signature"/> is the
/// TPM's TPMT_SIGNATURE (base64), the quote's measurements are the PCR values it quoted and its nonce and time of
/// issue are only what the attester claims: the verifier reads the nonce from the signed bytes.
/// </summary>
public sealed record AttestationEvidence(AttestationQuote Quote, string KeyId, string Signature, TpmQuoteBytes? Tpm = null);

/// <summary>A TPM 2.0 quote as the TPM produced it: the TPMS_ATTEST it signed (base64), kept so the record holds the real quote.</summary>
public sealed record TpmQuoteBytes(string Attest);

/// <summary>
/// The exact bytes a quote's signature covers. Text, one field per line, measurements sorted by register, times in UTC
/// with fixed precision, so that anyone can rebuild them: <c>vnf-console-quote/v1</c>, <c>subject:</c>kind<c>:</c>id,
/// <c>nonce:</c>..., <c>issued:</c>yyyy-MM-ddTHH:mm:ss.fffffffZ, then <c>m:</c>register<c>=</c>digest per register.
/// </summary>
public static class QuoteEncoding
{
    public const string Header = "vnf-console-quote/v1";

    public static byte[] CanonicalBytes(AttestationQuote quote)
    {
        ArgumentNullException.ThrowIfNull(quote);
        var text = new StringBuilder()
            .Append(Header).Append('\n')
            .Append("subject:").Append(quote.SubjectKind.ToString()).Append(':').Append(quote.SubjectId.ToString("D")).Append('\n')
            .Append("nonce:").Append(quote.Nonce).Append('\n')
            .Append("issued:").Append(quote.IssuedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture)).Append('\n');
        foreach (var m in quote.Measurements.OrderBy(m => m.Register, StringComparer.Ordinal))
        {
            if (m.Register.Contains('\n', StringComparison.Ordinal) || m.Register.Contains('=', StringComparison.Ordinal) || m.Digest.Contains('\n', StringComparison.Ordinal))
                throw new ArgumentException($"Register '{m.Register}' cannot be encoded: names hold neither '=' nor line breaks.", nameof(quote));
            text.Append("m:").Append(m.Register).Append('=').Append(m.Digest.ToLowerInvariant()).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
