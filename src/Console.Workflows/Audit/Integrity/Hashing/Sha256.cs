using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Console.Workflows.Audit.Integrity.Hashing;

/// <summary>
/// SHA-256 of the log's many small inputs (three per entry: its chain link, its Merkle leaf, an inner node). .NET's
/// <see cref="SHA256.HashData(ReadOnlySpan{byte}, Span{byte})"/> runs OpenSSL 3's EVP one-shot, which sets up and frees a
/// digest context (and looks the algorithm up in its provider) on every call: measured here, about 0.6 µs a call on top
/// of 0.3 µs of hashing for a 500-byte entry. Where this process's OpenSSL still exports its SHA-256 functions
/// (<c>SHA256_Init</c>, <c>SHA256_Update</c>, <c>SHA256_Final</c> of libcrypto 3, the same SHA-256 code the EVP path
/// reaches), they are called with a context on the stack; anywhere else, and if they do not give .NET's result for a
/// known input at start-up, <see cref="SHA256"/> is used. Not a new primitive: OpenSSL's, called without the EVP layer.
/// (A process that must use only a FIPS provider should not rely on the low-level path: set
/// <c>VNF_CONSOLE_SHA256_EVP_ONLY=1</c>.)
/// </summary>
internal static unsafe class Sha256
{
    public const int Length = 32;

    // OpenSSL's SHA256_CTX is 112 bytes (8 + 2 + 16 words, then num and md_len); room to spare.
    private const int ContextBytes = 256;

    private static readonly delegate* unmanaged<byte*, int> Init;
    private static readonly delegate* unmanaged<byte*, byte*, nuint, int> Update;
    private static readonly delegate* unmanaged<byte*, byte*, int> Final;

    static Sha256()
    {
        if (Environment.GetEnvironmentVariable("VNF_CONSOLE_SHA256_EVP_ONLY") == "1" || !OperatingSystem.IsLinux())
            return;
        if (!NativeLibrary.TryLoad("libcrypto.so.3", typeof(Sha256).Assembly, null, out var library)
            || !NativeLibrary.TryGetExport(library, "SHA256_Init", out var init)
            || !NativeLibrary.TryGetExport(library, "SHA256_Update", out var update)
            || !NativeLibrary.TryGetExport(library, "SHA256_Final", out var final))
        {
            return;
        }

        Init = (delegate* unmanaged<byte*, int>)init;
        Update = (delegate* unmanaged<byte*, byte*, nuint, int>)update;
        Final = (delegate* unmanaged<byte*, byte*, int>)final;
        if (!AgreesWithDotNet())
            Init = null;
    }

    /// <summary>Whether the low-level OpenSSL path is in use (else .NET's SHA256).</summary>
    public static bool Native => Init != null;

    public static void Hash(ReadOnlySpan<byte> data, Span<byte> destination) => Hash(data, [], [], destination);

    /// <summary>SHA-256(a || b || c) into <paramref name="destination"/> (32 bytes, which may overlap the inputs).</summary>
    public static void Hash(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, Span<byte> destination)
    {
        if (destination.Length < Length)
            throw new ArgumentException($"A SHA-256 hash needs {Length} bytes.", nameof(destination));
        if (Init == null)
        {
            Managed(a, b, c, destination);
            return;
        }

        var context = stackalloc byte[ContextBytes];
        byte* hash = stackalloc byte[Length];
        var ok = Init(context);
        fixed (byte* pa = a, pb = b, pc = c)
        {
            if (a.Length > 0)
                ok &= Update(context, pa, (nuint)a.Length);
            if (b.Length > 0)
                ok &= Update(context, pb, (nuint)b.Length);
            if (c.Length > 0)
                ok &= Update(context, pc, (nuint)c.Length);
        }

        ok &= Final(hash, context);
        if (ok != 1)
            throw new CryptographicException("OpenSSL's SHA-256 failed.");
        new ReadOnlySpan<byte>(hash, Length).CopyTo(destination);
    }

    private static void Managed(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b, ReadOnlySpan<byte> c, Span<byte> destination)
    {
        if (b.IsEmpty && c.IsEmpty)
        {
            SHA256.HashData(a, destination);
            return;
        }

        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(a);
        hash.AppendData(b);
        hash.AppendData(c);
        if (!hash.TryGetHashAndReset(destination, out _))
            throw new CryptographicException("SHA-256 gave no hash.");
    }

    private static bool AgreesWithDotNet()
    {
        // Lengths around SHA-256's 64-byte blocks and its 55/56-byte padding edge, split across the three parts.
        var input = new byte[300];
        for (var i = 0; i < input.Length; i++)
            input[i] = (byte)((i * 131) + 7);
        Span<byte> ours = stackalloc byte[Length];
        Span<byte> theirs = stackalloc byte[Length];
        foreach (var length in new[] { 0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 299 })
        {
            var data = input.AsSpan(0, length);
            Hash(data[..(length / 3)], data[(length / 3)..(length / 2)], data[(length / 2)..], ours);
            SHA256.HashData(data, theirs);
            if (!ours.SequenceEqual(theirs))
                return false;
        }

        return true;
    }
}
