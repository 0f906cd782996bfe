using System.Globalization;
using System.Security.Cryptography;

namespace Console.Workflows.Attestation.Tpm;

/// <summary>The TPM part of a verdict: a refusal, or a line for the accepted verdict's detail.</summary>
public sealed record TpmQuoteCheck(EvidenceVerdict? Refusal, string Detail);

/// <summary>
/// Judges a TPM 2.0 quote (pure: no clock, no I/O, no tpm2-tools): the TPMS_ATTEST must be a quote, its TPMT_SIGNATURE
/// must verify with the registered attestation key, its qualifying data must be the console's nonce, and the PCR values
/// presented beside it must hash to the PCR digest the TPM signed. The values themselves are then compared with the
/// reference values by <see cref="EvidenceVerifier"/>, like any measurement.
/// </summary>
public static class TpmQuoteVerifier
{
    private const int P256FieldBytes = 32;

    public static TpmQuoteCheck Verify(AttestationEvidence evidence, string expectedNonce, AttestationRegistration registration)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        ArgumentNullException.ThrowIfNull(registration);
        if (evidence.Tpm is null)
            throw new ArgumentException("The evidence is not a TPM quote.", nameof(evidence));

        byte[] attest;
        TpmQuoteInfo info;
        TpmEcdsaSignature signature;
        try
        {
            attest = Convert.FromBase64String(evidence.Tpm.Attest);
            info = TpmQuoteInfo.Parse(attest);
            signature = TpmEcdsaSignature.Parse(Convert.FromBase64String(evidence.Signature));
        }
        catch (Exception ex) when (ex is FormatException or TpmFormatException)
        {
            return Refused(EvidenceRefusal.Malformed, $"The TPM quote cannot be read: {ex.Message}");
        }

        if (!SignatureVerifies(attest, signature, registration.PublicKey))
            return Refused(EvidenceRefusal.BadSignature,
                $"The TPM's signature does not verify with the registered attestation key {registration.KeyId}: the quote was altered, or signed by another key.");

        if (string.IsNullOrEmpty(expectedNonce) || !CryptographicOperations.FixedTimeEquals(info.ExtraData, NonceBytes(expectedNonce)))
            return Refused(EvidenceRefusal.WrongNonce, EvidenceVerifier.ReplayedNonce);

        if (PcrDigestProblem(evidence.Quote.Measurements, info, signature.HashAlgorithm) is { } problem)
            return Refused(EvidenceRefusal.PcrDigestMismatch, problem);

        return new TpmQuoteCheck(null, string.Create(CultureInfo.InvariantCulture,
            $" TPM quote over {string.Join(", ", info.Registers)}; TPM clock {info.ClockInfo.Clock} ms, reset {info.ClockInfo.ResetCount}, restart {info.ClockInfo.RestartCount}; firmware 0x{info.FirmwareVersion:x16}."));
    }

    /// <summary>The bytes a nonce stands for: hex as the console issues it, otherwise its UTF-8 text.</summary>
    public static byte[] NonceBytes(string nonce)
    {
        ArgumentNullException.ThrowIfNull(nonce);
        return nonce.Length % 2 == 0 && nonce.All(char.IsAsciiHexDigit) ? Convert.FromHexString(nonce) : System.Text.Encoding.UTF8.GetBytes(nonce);
    }

    /// <summary>The PCR digest a TPM computes over <paramref name="values"/> (in selection order) with its signing hash.</summary>
    public static byte[] PcrDigest(IEnumerable<byte[]> values, ushort hashAlgorithm)
    {
        ArgumentNullException.ThrowIfNull(values);
        using var hash = IncrementalHash.CreateHash(TpmAlgorithm.Hash(hashAlgorithm));
        foreach (var value in values)
            hash.AppendData(value);
        return hash.GetHashAndReset();
    }

    private static string? PcrDigestProblem(IReadOnlyList<Measurement> presented, TpmQuoteInfo info, ushort hashAlgorithm)
    {
        var selected = info.Registers.ToList();
        var byRegister = presented.GroupBy(m => m.Register, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);
        var unsigned = byRegister.Keys.Except(selected, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (unsigned.Count > 0)
            return $"The evidence presents {string.Join(", ", unsigned)}, which the TPM did not quote; only {string.Join(", ", selected)} are signed.";
        var values = new List<byte[]>();
        foreach (var register in selected)
        {
            if (!byRegister.TryGetValue(register, out var candidates) || candidates.Count != 1)
                return $"The evidence does not present exactly one value for {register}, which the TPM quoted.";
            try
            {
                values.Add(Convert.FromHexString(candidates[0].Digest));
            }
            catch (FormatException)
            {
                return $"The value presented for {register} is not hexadecimal.";
            }
        }

        byte[] recomputed;
        try
        {
            recomputed = PcrDigest(values, hashAlgorithm);
        }
        catch (TpmFormatException ex)
        {
            return ex.Message;
        }

        return CryptographicOperations.FixedTimeEquals(recomputed, info.PcrDigest)
            ? null
            : $"The PCR values presented hash to {Convert.ToHexStringLower(recomputed)[..12]}…, but the TPM signed the PCR digest {Convert.ToHexStringLower(info.PcrDigest)[..Math.Min(12, info.PcrDigest.Length * 2)]}…: they are not the values it quoted.";
    }

    private static bool SignatureVerifies(byte[] attest, TpmEcdsaSignature signature, string publicKey)
    {
        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(Convert.FromBase64String(publicKey), out _);
            return key.VerifyData(attest, signature.P1363(P256FieldBytes), TpmAlgorithm.Hash(signature.HashAlgorithm), DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or ArgumentException or TpmFormatException)
        {
            return false;
        }
    }

    private static TpmQuoteCheck Refused(EvidenceRefusal refusal, string detail) => new(EvidenceVerdict.Refuse(refusal, detail), "");
}
