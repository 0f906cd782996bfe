using System.Security.Cryptography;
using System.Text;
using OtpNet;

namespace Console.Workflows.Accounts.SteppingUp;

/// <summary>What checking one typed code against a secret found.</summary>
public enum CodeCheck
{
    Valid,
    Wrong,

    /// <summary>A right code of a time step already used (by this account's last code): a replay, refused.</summary>
    AlreadyUsed,
}

/// <summary>
/// TOTP codes (RFC 6238: HMAC-SHA-1, 6 digits, 30 s steps, what every authenticator app reads) through Otp.NET. Pure:
/// the time and the secret come from the caller. A code of the step before or after now is accepted too (clocks of
/// phones drift), but never a step at or before the last one this account used, so a code works once.
/// </summary>
public static class TotpCodes
{
    public const int SecretBytes = 20;
    public const int Digits = 6;
    public const string Issuer = "VNF Mobility Console";

    /// <summary>A fresh 160-bit secret in base32 (what the authenticator app is given).</summary>
    public static string NewSecret() => Base32Encoding.ToString(RandomNumberGenerator.GetBytes(SecretBytes));

    /// <summary>The secret's bytes, or null when <paramref name="base32"/> is not a 160-bit base32 secret.</summary>
    public static byte[]? Decode(string? base32)
    {
        var text = (base32 ?? "").Replace(" ", "", StringComparison.Ordinal).TrimEnd('=').ToUpperInvariant();
        if (text.Length != 32 || text.Any(c => c is not ((>= 'A' and <= 'Z') or (>= '2' and <= '7'))))
            return null;
        var bytes = Base32Encoding.ToBytes(text);
        return bytes.Length == SecretBytes ? bytes : null;
    }

    /// <summary>What pins the secret in the log without disclosing it: SHA-256 (hex) over a labelled form.</summary>
    public static string DigestOf(ReadOnlySpan<byte> secret)
    {
        var label = Encoding.UTF8.GetBytes("vnf-console/totp-secret/v1|");
        return Convert.ToHexStringLower(SHA256.HashData([.. label, .. secret]));
    }

    /// <summary>The otpauth:// address an authenticator app scans from the QR code.</summary>
    public static string ProvisioningUri(string base32Secret, string userName) =>
        new OtpUri(OtpType.Totp, base32Secret, userName, Issuer).ToString();

    /// <summary>The code for <paramref name="at"/> (tests, the demo's known secrets).</summary>
    public static string CodeAt(byte[] secret, DateTimeOffset at) => new Totp(secret, totpSize: Digits).ComputeTotp(at.UtcDateTime);

    /// <summary>The time step of <paramref name="at"/> (30 s since the Unix epoch).</summary>
    public static long StepOf(DateTimeOffset at) => at.ToUnixTimeSeconds() / 30;

    /// <summary>Whether <paramref name="code"/> is valid now for <paramref name="secret"/>, and the step it matched.</summary>
    public static CodeCheck Check(byte[] secret, string? code, DateTimeOffset now, long lastUsedStep, out long step)
    {
        ArgumentNullException.ThrowIfNull(secret);
        step = 0;
        var typed = Normalise(code);
        if (typed.Length != Digits || !typed.All(char.IsAsciiDigit))
            return CodeCheck.Wrong;
        var totp = new Totp(secret, totpSize: Digits);
        if (!totp.VerifyTotp(now.UtcDateTime, typed, out step, new VerificationWindow(previous: 1, future: 1)))
            return CodeCheck.Wrong;
        return step <= lastUsedStep ? CodeCheck.AlreadyUsed : CodeCheck.Valid;
    }

    /// <summary>Whether the text looks like an authenticator code (6 digits) rather than a recovery code.</summary>
    public static bool LooksLikeCode(string? code) => Normalise(code) is { Length: Digits } typed && typed.All(char.IsAsciiDigit);

    private static string Normalise(string? code) => (code ?? "").Replace(" ", "", StringComparison.Ordinal).Trim();
}
