using System.Buffers.Binary;
using System.Security.Cryptography;

namespace Console.Workflows.Attestation.Tpm;

// The few TPM 2.0 structures a quote needs, read as TPM 2.0 Library Part 2 ("Structures") defines them: every integer
// big-endian, every TPM2B a UINT16 size followed by that many bytes.

/// <summary>A quote or key the TPM structures cannot describe (truncated, wrong magic or type, unsupported algorithm).</summary>
public sealed class TpmFormatException(string message) : Exception(message);

/// <summary>TPM_ALG_ID values used here (Part 2, table "TPM_ALG_ID Constants").</summary>
public static class TpmAlgorithm
{
    public const ushort Sha1 = 0x0004;
    public const ushort Sha256 = 0x000B;
    public const ushort Sha384 = 0x000C;
    public const ushort Sha512 = 0x000D;
    public const ushort Null = 0x0010;
    public const ushort Ecdsa = 0x0018;
    public const ushort Ecc = 0x0023;

    /// <summary>The name tpm2-tools gives a PCR bank ("sha256"), as used in register names such as <c>sha256:7</c>.</summary>
    public static string HashName(ushort alg) => alg switch
    {
        Sha1 => "sha1",
        Sha256 => "sha256",
        Sha384 => "sha384",
        Sha512 => "sha512",
        _ => $"alg-0x{alg:x4}",
    };

    public static HashAlgorithmName Hash(ushort alg) => alg switch
    {
        Sha1 => HashAlgorithmName.SHA1,
        Sha256 => HashAlgorithmName.SHA256,
        Sha384 => HashAlgorithmName.SHA384,
        Sha512 => HashAlgorithmName.SHA512,
        _ => throw new TpmFormatException($"Hash algorithm 0x{alg:x4} is not supported."),
    };
}

/// <summary>A big-endian cursor over a TPM structure; every read checks the remaining length.</summary>
internal ref struct TpmReader(ReadOnlySpan<byte> data)
{
    private readonly ReadOnlySpan<byte> data = data;
    private int offset;

    public readonly bool AtEnd => offset == data.Length;

    public byte U8() => Take(1)[0];

    public ushort U16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    public uint U32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    public ulong U64() => BinaryPrimitives.ReadUInt64BigEndian(Take(8));

    /// <summary>A TPM2B: UINT16 size, then the bytes.</summary>
    public byte[] Sized() => Take(U16()).ToArray();

    public ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || count > data.Length - offset)
            throw new TpmFormatException($"The structure ends after {data.Length} bytes; {count} more were expected at offset {offset}.");
        var slice = data.Slice(offset, count);
        offset += count;
        return slice;
    }
}

/// <summary>One TPMS_PCR_SELECTION: a PCR bank and the PCR indices selected in it, ascending (the order of the digest).</summary>
public sealed record TpmPcrSelection(ushort HashAlgorithm, IReadOnlyList<int> Pcrs)
{
    /// <summary>The register names of the selected PCRs, in digest order: <c>sha256:0</c>, <c>sha256:7</c>.</summary>
    public IEnumerable<string> Registers => Pcrs.Select(p => $"{TpmAlgorithm.HashName(HashAlgorithm)}:{p}");
}

/// <summary>TPMS_CLOCK_INFO: the TPM's own clock (ms since its last reset), its reset and restart counts.</summary>
public sealed record TpmClockInfo(ulong Clock, uint ResetCount, uint RestartCount, bool Safe);

/// <summary>
/// TPMS_ATTEST of type TPM_ST_ATTEST_QUOTE: what the TPM signed. <see cref="ExtraData"/> is the qualifying data the
/// caller passed, here the console's nonce; <see cref="PcrDigest"/> the hash of the selected PCR values in order.
/// </summary>
public sealed record TpmQuoteInfo(
    byte[] QualifiedSigner,
    byte[] ExtraData,
    TpmClockInfo ClockInfo,
    ulong FirmwareVersion,
    IReadOnlyList<TpmPcrSelection> PcrSelections,
    byte[] PcrDigest)
{
    /// <summary>TPM_GENERATED_VALUE: every structure the TPM signs starts with it, so it cannot be made to sign a look-alike.</summary>
    public const uint GeneratedValue = 0xff544347;

    /// <summary>TPM_ST_ATTEST_QUOTE.</summary>
    public const ushort AttestQuote = 0x8018;

    /// <summary>Every selected register in the order the PCR digest covers them.</summary>
    public IEnumerable<string> Registers => PcrSelections.SelectMany(s => s.Registers);

    public static TpmQuoteInfo Parse(ReadOnlySpan<byte> attest)
    {
        var reader = new TpmReader(attest);
        var magic = reader.U32();
        if (magic != GeneratedValue)
            throw new TpmFormatException($"Not a TPM-generated structure: magic 0x{magic:x8}, expected 0x{GeneratedValue:x8}.");
        var type = reader.U16();
        if (type != AttestQuote)
            throw new TpmFormatException($"Not a quote: attestation type 0x{type:x4}, expected TPM_ST_ATTEST_QUOTE 0x{AttestQuote:x4}.");
        var signer = reader.Sized();
        var extraData = reader.Sized();
        var clock = new TpmClockInfo(reader.U64(), reader.U32(), reader.U32(), reader.U8() != 0);
        var firmware = reader.U64();
        var count = reader.U32();
        if (count > 16)
            throw new TpmFormatException($"The quote selects {count} PCR banks; at most 16 are possible.");
        var selections = new List<TpmPcrSelection>();
        for (var i = 0; i < count; i++)
        {
            var hash = reader.U16();
            var bitmap = reader.Take(reader.U8());
            var pcrs = new List<int>();
            for (var octet = 0; octet < bitmap.Length; octet++)
            {
                for (var bit = 0; bit < 8; bit++)
                {
                    if ((bitmap[octet] & (1 << bit)) != 0)
                        pcrs.Add(octet * 8 + bit);
                }
            }

            selections.Add(new TpmPcrSelection(hash, pcrs));
        }

        var digest = reader.Sized();
        if (!reader.AtEnd)
            throw new TpmFormatException("Bytes follow the quote's PCR digest; the structure is not a single TPMS_ATTEST.");
        return new TpmQuoteInfo(signer, extraData, clock, firmware, selections, digest);
    }
}

/// <summary>TPMT_SIGNATURE with an ECDSA signature: the hash it signed with and r, s.</summary>
public sealed record TpmEcdsaSignature(ushort HashAlgorithm, byte[] R, byte[] S)
{
    public static TpmEcdsaSignature Parse(ReadOnlySpan<byte> signature)
    {
        var reader = new TpmReader(signature);
        var alg = reader.U16();
        if (alg != TpmAlgorithm.Ecdsa)
            throw new TpmFormatException($"Signature algorithm 0x{alg:x4} is not ECDSA (0x{TpmAlgorithm.Ecdsa:x4}); only ECDSA attestation keys are accepted.");
        var hash = reader.U16();
        var r = reader.Sized();
        var s = reader.Sized();
        if (!reader.AtEnd)
            throw new TpmFormatException("Bytes follow the signature's s value; the structure is not a single TPMT_SIGNATURE.");
        return new TpmEcdsaSignature(hash, r, s);
    }

    /// <summary>r and s, each left-padded to the curve's field size, as .NET's IEEE P1363 format expects.</summary>
    public byte[] P1363(int fieldBytes)
    {
        if (R.Length > fieldBytes || S.Length > fieldBytes)
            throw new TpmFormatException($"The signature's r or s is longer than the curve's {fieldBytes} bytes.");
        var result = new byte[fieldBytes * 2];
        R.CopyTo(result, fieldBytes - R.Length);
        S.CopyTo(result, fieldBytes * 2 - S.Length);
        return result;
    }
}

/// <summary>An attestation key's public part as tpm2-tools writes it: TPM2B_PUBLIC (<c>-f tss</c>) or a PEM SubjectPublicKeyInfo.</summary>
public static class TpmPublicKey
{
    /// <summary>TPM_ECC_NIST_P256.</summary>
    public const ushort NistP256 = 0x0003;

    /// <summary>The SubjectPublicKeyInfo (DER) of an ECC P-256 key given as TPM2B_PUBLIC bytes or PEM text.</summary>
    public static byte[] SubjectPublicKeyInfo(ReadOnlySpan<byte> publicKey)
    {
        if (publicKey.StartsWith("-----BEGIN"u8))
        {
            // Only a public key: a PEM of any other kind (a private key by mistake) is refused, never read.
            var text = System.Text.Encoding.ASCII.GetString(publicKey);
            if (!PemEncoding.TryFind(text, out var fields) || text[fields.Label] != "PUBLIC KEY")
                throw new TpmFormatException("The attestation key's PEM is not a PUBLIC KEY.");
            using var pem = ECDsa.Create();
            pem.ImportSubjectPublicKeyInfo(Convert.FromBase64String(text[fields.Base64Data]), out _);
            return pem.ExportSubjectPublicKeyInfo();
        }

        var reader = new TpmReader(publicKey);
        var inner = new TpmReader(reader.Take(reader.U16()));
        var type = inner.U16();
        if (type != TpmAlgorithm.Ecc)
            throw new TpmFormatException($"The key is of type 0x{type:x4}, not ECC (0x{TpmAlgorithm.Ecc:x4}).");
        inner.U16(); // nameAlg
        inner.U32(); // objectAttributes
        inner.Sized(); // authPolicy
        var symmetric = inner.U16();
        if (symmetric != TpmAlgorithm.Null)
        {
            inner.U16(); // keyBits
            inner.U16(); // mode
        }

        var scheme = inner.U16();
        if (scheme != TpmAlgorithm.Null)
            inner.U16(); // the scheme's hash
        var curve = inner.U16();
        if (curve != NistP256)
            throw new TpmFormatException($"The key's curve 0x{curve:x4} is not NIST P-256.");
        if (inner.U16() != TpmAlgorithm.Null)
            inner.U16(); // the KDF's hash
        var x = inner.Sized();
        var y = inner.Sized();
        using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = x, Y = y } });
        return key.ExportSubjectPublicKeyInfo();
    }
}
