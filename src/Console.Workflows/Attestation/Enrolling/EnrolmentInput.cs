using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Console.Workflows.Common;

namespace Console.Workflows.Attestation.Enrolling;

/// <summary>One reference value as a person types it: a PCR index (0-23, SHA-256 bank) and the digest it must hold.</summary>
public sealed record ReferenceValueInput(string Pcr, string Digest);

/// <summary>What a proposal means once read: the AK, the endorsement key and the reference values.</summary>
public sealed record EnrolmentMaterial(
    string KeyId, string PublicKey, string EkKeyId, string Endorsement, bool EndorsementIsCertificate, IReadOnlyList<Measurement> ReferenceValues);

/// <summary>
/// The one check of an enrolment proposal (the page, the API and the decider call it): the attestation key is a PEM
/// <c>PUBLIC KEY</c> of ECDSA P-256 (a private key is refused, never read), the EK is a PEM public key or certificate,
/// and each reference value names a PCR of the SHA-256 bank (0 to 23, or <c>sha256:N</c>; a simulated platform's named
/// register such as <c>pcr7-secure-boot</c>) with a 64-hex-digit SHA-256 digest.
/// </summary>
public static partial class EnrolmentInput
{
    public const string AkField = "AkPublicKeyPem";
    public const string EkField = "EkPem";
    public const string ReferenceValuesField = "ReferenceValues";
    public const string ReasonField = "Reason";
    public const int HighestPcr = 23;

    public static (EnrolmentMaterial? Material, Refusal? Refusal) Check(
        string? akPublicKeyPem, string? ekPem, IReadOnlyList<ReferenceValueInput>? referenceValues, string? reason)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        var ak = ReadAk(akPublicKeyPem, out var akError);
        if (akError is not null)
            errors[AkField] = [akError];
        var ek = ReadEk(ekPem, out var ekError);
        if (ekError is not null)
            errors[EkField] = [ekError];
        var values = ReadReferenceValues(referenceValues, out var valueErrors);
        if (valueErrors.Count > 0)
            errors[ReferenceValuesField] = [.. valueErrors];
        if (string.IsNullOrWhiteSpace(reason))
            errors[ReasonField] = ["Say where these values come from (the platform vendor, a measured reference build ...)."];
        if (errors.Count > 0)
            return (null, Refusal.ForFields(errors));

        return (new EnrolmentMaterial(
            EvidenceVerifier.KeyIdOf(ak!), Convert.ToBase64String(ak!), EvidenceVerifier.KeyIdOf(ek!.Value.Spki), Convert.ToBase64String(ek.Value.Der),
            ek.Value.IsCertificate, values), null);
    }

    /// <summary>Reference values typed one per line as "PCR digest" (or "PCR = digest"); blank lines are skipped.</summary>
    public static IReadOnlyList<ReferenceValueInput> ParseLines(string? text) =>
        [.. (text ?? "").Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(line => line.Split([' ', '\t', '='], 2, StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(parts => new ReferenceValueInput(parts[0], parts.Length > 1 ? parts[1].Trim(' ', '=', '\t') : ""))];

    /// <summary>Reference values as <see cref="ParseLines"/> reads them back.</summary>
    public static string ToLines(IEnumerable<ReferenceValueInput> values) => string.Join("\n", values.Select(v => $"{v.Pcr} {v.Digest}"));

    /// <summary>A reference value's register as recorded (<c>sha256:N</c> for a PCR), or null with the reason it is not one.</summary>
    public static string? Register(string? pcr, out string? error)
    {
        error = null;
        var text = (pcr ?? "").Trim();
        var index = text.StartsWith("sha256:", StringComparison.OrdinalIgnoreCase) ? text[7..] : text;
        if (index.Length > 0 && index.All(char.IsAsciiDigit))
        {
            if (index.Length <= 2 && int.Parse(index, CultureInfo.InvariantCulture) is var n and <= HighestPcr)
                return $"sha256:{n}";
            error = $"PCR {text} does not exist: a TPM 2.0 has PCRs 0 to {HighestPcr}.";
            return null;
        }

        if (NamedRegister().IsMatch(text))
            return text;
        error = text.Length == 0
            ? "Each reference value needs a PCR index (0 to 23)."
            : $"'{Clip(text)}' is not a PCR index (0 to {HighestPcr}).";
        return null;
    }

    private static byte[]? ReadAk(string? pem, out string? error)
    {
        error = null;
        if (!TryPem(pem, out var label, out var der))
        {
            error = "Paste the attestation key as PEM (-----BEGIN PUBLIC KEY-----, e.g. from tpm2_createak -f pem).";
            return null;
        }

        if (label != "PUBLIC KEY")
        {
            error = $"The attestation key's PEM is a {label}, not a PUBLIC KEY; paste only the public half.";
            return null;
        }

        try
        {
            using var key = ECDsa.Create();
            key.ImportSubjectPublicKeyInfo(der, out _);
            if (key.KeySize != 256)
            {
                error = $"The attestation key is ECDSA over a {key.KeySize}-bit curve; the console verifies NIST P-256 keys.";
                return null;
            }

            return key.ExportSubjectPublicKeyInfo();
        }
        catch (Exception ex) when (ex is CryptographicException or System.Formats.Asn1.AsnContentException or ArgumentException)
        {
            error = "The attestation key is not an ECDSA (NIST P-256) public key.";
            return null;
        }
    }

    private static (byte[] Spki, byte[] Der, bool IsCertificate)? ReadEk(string? pem, out string? error)
    {
        error = null;
        if (!TryPem(pem, out var label, out var der))
        {
            error = "Paste the endorsement key as PEM: its PUBLIC KEY (tpm2_createek -f pem) or its CERTIFICATE from the TPM vendor.";
            return null;
        }

        try
        {
            switch (label)
            {
                case "CERTIFICATE":
                    using (var certificate = X509CertificateLoader.LoadCertificate(der))
                        return (certificate.PublicKey.ExportSubjectPublicKeyInfo(), der, true);
                case "PUBLIC KEY":
                    _ = PublicKey.CreateFromSubjectPublicKeyInfo(der, out var read);
                    if (read != der.Length)
                        break;
                    return (der, der, false);
            }
        }
        catch (Exception ex) when (ex is CryptographicException or System.Formats.Asn1.AsnContentException or ArgumentException)
        {
            error = $"The endorsement key's {label} cannot be read.";
            return null;
        }

        error = label is "PUBLIC KEY" or "CERTIFICATE"
            ? $"The endorsement key's {label} cannot be read."
            : $"The endorsement key's PEM is a {label}; paste its PUBLIC KEY or CERTIFICATE.";
        return null;
    }

    private static List<Measurement> ReadReferenceValues(IReadOnlyList<ReferenceValueInput>? inputs, out List<string> errors)
    {
        errors = [];
        var values = new List<Measurement>();
        if (inputs is null || inputs.Count == 0)
        {
            errors.Add("Give at least one reference value (PCR index and the SHA-256 digest it must hold).");
            return values;
        }

        foreach (var input in inputs)
        {
            var register = Register(input?.Pcr, out var error);
            if (error is not null)
            {
                errors.Add(error);
                continue;
            }

            var digest = (input!.Digest ?? "").Trim().ToLowerInvariant();
            if (digest.StartsWith("0x", StringComparison.Ordinal))
                digest = digest[2..];
            if (digest.Length != 64 || !digest.All(char.IsAsciiHexDigit))
                errors.Add($"The digest of {register} must be 64 hexadecimal digits (SHA-256); it has {digest.Length} character(s){(digest.All(char.IsAsciiHexDigit) ? "" : ", not all hexadecimal")}.");
            else if (values.Any(v => v.Register == register))
                errors.Add($"{register} is given twice.");
            else
                values.Add(new Measurement(register!, digest));
        }

        return values;
    }

    private static bool TryPem(string? text, out string label, out byte[] der)
    {
        label = "";
        der = [];
        if (string.IsNullOrWhiteSpace(text) || !PemEncoding.TryFind(text, out var fields))
            return false;
        label = text[fields.Label];
        der = Convert.FromBase64String(text[fields.Base64Data]);
        return true;
    }

    private static string Clip(string text) => text.Length > 24 ? text[..24] + "…" : text;

    [GeneratedRegex("^[a-z][a-z0-9-]{1,39}$")]
    private static partial Regex NamedRegister();
}
