using System.Security.Cryptography;
using System.Text;
using Console.Workflows.Keys;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Accounts.SteppingUp;

/// <summary>A second factor's secret as stored: AES-256-GCM ciphertext (nonce, ciphertext, tag), never the secret.</summary>
public sealed record SecondFactorSecret(Guid Id, string UserName, string Ciphertext);

/// <summary>
/// Encrypts the TOTP secrets kept in the database with a key that is not there: <c>second-factor.key</c> in the key
/// folder (<c>Keys:Folder</c>, owner-only, created on first use, shared by the nodes like the KEK master key). A database
/// owner reads only ciphertext. The account's id and name are the associated data, so a ciphertext copied to another
/// account does not open. Why not ASP.NET Data Protection: the workflow verifies the codes, in every host (web, bench,
/// tests), and its key ring lives in the database; a key file beside the console's other keys keeps the domain free of
/// the web stack with the same protection.
/// </summary>
public sealed class SecondFactorSecrets
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private readonly byte[] _key;

    public SecondFactorSecrets(KeyStoreOptions options, ILogger<SecondFactorSecrets> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        var path = Path.Combine(options.ResolvedFolder, "second-factor.key");
        var text = LocalKeyFiles.ReadOrCreate(path, () =>
        {
            logger.LogWarning("No second-factor key at {Path}: created one. Every node needs the same; without it no enrolled code verifies", path);
            return Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) + "\n";
        });
        _key = Convert.FromBase64String(text.Trim());
        if (_key.Length != 32)
            throw new InvalidOperationException($"The second-factor key in {path} must be 32 bytes; it has {_key.Length}.");
    }

    public SecondFactorSecret Protect(Guid factorId, string userName, ReadOnlySpan<byte> secret)
    {
        var output = new byte[NonceSize + secret.Length + TagSize];
        RandomNumberGenerator.Fill(output.AsSpan(0, NonceSize));
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(output.AsSpan(0, NonceSize), secret, output.AsSpan(NonceSize, secret.Length),
            output.AsSpan(NonceSize + secret.Length, TagSize), AssociatedData(factorId, userName));
        return new SecondFactorSecret(factorId, UserAccount.Normalise(userName), Convert.ToBase64String(output));
    }

    /// <summary>The secret, or null when the stored form does not open (altered, another account's, another key).</summary>
    public byte[]? Unprotect(SecondFactorSecret? stored)
    {
        if (stored is null)
            return null;
        try
        {
            var blob = Convert.FromBase64String(stored.Ciphertext);
            if (blob.Length <= NonceSize + TagSize)
                return null;
            var length = blob.Length - NonceSize - TagSize;
            var secret = new byte[length];
            using var aes = new AesGcm(_key, TagSize);
            aes.Decrypt(blob.AsSpan(0, NonceSize), blob.AsSpan(NonceSize, length), blob.AsSpan(NonceSize + length, TagSize), secret,
                AssociatedData(stored.Id, stored.UserName));
            return secret;
        }
        catch (Exception ex) when (ex is FormatException or AuthenticationTagMismatchException)
        {
            return null;
        }
    }

    private static byte[] AssociatedData(Guid factorId, string userName) =>
        Encoding.UTF8.GetBytes($"vnf-console/second-factor/v1|{factorId:D}|{UserAccount.Normalise(userName)}");
}
