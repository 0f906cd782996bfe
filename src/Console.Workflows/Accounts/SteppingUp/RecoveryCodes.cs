using System.Security.Cryptography;
using System.Text;

namespace Console.Workflows.Accounts.SteppingUp;

/// <summary>
/// One-time recovery codes: 16 base32 characters (80 random bits) shown once as XXXX-XXXX-XXXX-XXXX. Only their SHA-256
/// is kept; 80 bits make guessing a code from its hash hopeless, so no slow hash is needed.
/// </summary>
public static class RecoveryCodes
{
    public const int Count = 10;
    private const int Length = 16;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

    public static IReadOnlyList<string> New()
    {
        var codes = new List<string>(Count);
        while (codes.Count < Count)
        {
            var chars = RandomNumberGenerator.GetItems<char>(Alphabet, Length);
            var code = string.Join('-', Enumerable.Range(0, Length / 4).Select(i => new string(chars, i * 4, 4)));
            if (!codes.Contains(code))
                codes.Add(code);
        }

        return codes;
    }

    /// <summary>The code as compared: upper case, without separators; null when it cannot be a recovery code.</summary>
    public static string? Normalise(string? code)
    {
        var text = new string((code ?? "").Where(c => c is not ('-' or ' ')).ToArray()).ToUpperInvariant();
        return text.Length == Length && text.All(c => Alphabet.Contains(c, StringComparison.Ordinal)) ? text : null;
    }

    public static string Hash(string code)
    {
        var normalised = Normalise(code) ?? throw new ArgumentException("Not a recovery code.", nameof(code));
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes("vnf-console/recovery-code/v1|" + normalised)));
    }

    /// <summary>The hash among <paramref name="unused"/> that <paramref name="code"/> matches, or null.</summary>
    public static string? Match(IEnumerable<string> unused, string? code)
    {
        ArgumentNullException.ThrowIfNull(unused);
        if (Normalise(code) is null)
            return null;
        var hash = Encoding.ASCII.GetBytes(Hash(code!));
        string? found = null;
        // Every stored hash is compared in fixed time, so timing tells nothing about how close a guess came.
        foreach (var candidate in unused)
        {
            if (CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(candidate), hash))
                found = candidate;
        }

        return found;
    }
}
