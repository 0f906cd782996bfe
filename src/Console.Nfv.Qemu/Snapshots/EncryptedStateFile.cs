using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Console.Nfv.Qemu.Snapshots;

/// <summary>
/// The file a memory snapshot becomes: QEMU's state stream cut into chunks, each sealed with AES-256-GCM under the
/// snapshot's data key on the console's side of the stream, so no plaintext byte of the guest reaches the disk.
/// Layout: "VNFSTATE1", the key id (length-prefixed UTF-8), then chunks of [length u32][nonce 12][ciphertext][tag 16].
/// Each chunk's associated data is the key id, its index and whether it is the last, so chunks cannot be reordered,
/// dropped, or the file cut short without the reader noticing.
/// </summary>
public static class EncryptedStateFile
{
    public const int ChunkSize = 256 * 1024;
    private static readonly byte[] Magic = "VNFSTATE1"u8.ToArray();

    /// <summary>Reads <paramref name="plain"/> to its end and writes it encrypted to <paramref name="file"/>.</summary>
    public static async Task<long> WriteAsync(Stream plain, Stream file, string keyId, ReadOnlyMemory<byte> dataKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(plain);
        ArgumentNullException.ThrowIfNull(file);
        using var aes = new AesGcm(dataKey.Span, 16);
        var id = Encoding.UTF8.GetBytes(keyId);
        await file.WriteAsync(Magic, ct);
        await file.WriteAsync(Length(id.Length), ct);
        await file.WriteAsync(id, ct);
        var current = new byte[ChunkSize];
        var next = new byte[ChunkSize];
        var currentLength = await FillAsync(plain, current, ct);
        long index = 0, total = 0;
        while (true)
        {
            // One chunk ahead tells whether this one is the last.
            var nextLength = currentLength == ChunkSize ? await FillAsync(plain, next, ct) : 0;
            var last = nextLength == 0;
            await WriteChunkAsync(aes, file, id, index++, last, current.AsMemory(0, currentLength), ct);
            total += currentLength;
            if (last)
                break;
            (current, next) = (next, current);
            currentLength = nextLength;
        }

        CryptographicOperations.ZeroMemory(current);
        CryptographicOperations.ZeroMemory(next);
        return total;
    }

    /// <summary>Decrypts <paramref name="file"/> into <paramref name="plain"/>; a wrong key or any change fails before the bad chunk is written.</summary>
    public static async Task<long> ReadAsync(Stream file, Stream plain, string keyId, ReadOnlyMemory<byte> dataKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(plain);
        using var aes = new AesGcm(dataKey.Span, 16);
        var magic = new byte[Magic.Length];
        await file.ReadExactlyAsync(magic, ct);
        if (!magic.AsSpan().SequenceEqual(Magic))
            throw new InvalidDataException("not an encrypted VM state file");
        var id = new byte[await ReadLengthAsync(file, 1024, ct)];
        await file.ReadExactlyAsync(id, ct);
        if (Encoding.UTF8.GetString(id) != keyId)
            throw new InvalidDataException($"the file is encrypted under data key '{Encoding.UTF8.GetString(id)}', not '{keyId}'");
        var nonce = new byte[12];
        var tag = new byte[16];
        long index = 0, total = 0;
        while (true)
        {
            var length = await ReadLengthAsync(file, ChunkSize, ct, endAllowed: true);
            if (length < 0)
                throw new InvalidDataException("the file ends before its last chunk: it was cut short");
            var cipher = new byte[length];
            await file.ReadExactlyAsync(nonce, ct);
            await file.ReadExactlyAsync(cipher, ct);
            await file.ReadExactlyAsync(tag, ct);
            var clear = new byte[length];
            var last = file.Position == file.Length;
            try
            {
                aes.Decrypt(nonce, cipher, tag, clear, Associated(id, index, last));
            }
            catch (AuthenticationTagMismatchException)
            {
                throw new InvalidDataException($"chunk {index} does not open with data key '{keyId}': wrong key, or the file was changed");
            }

            await plain.WriteAsync(clear, ct);
            CryptographicOperations.ZeroMemory(clear);
            total += length;
            index++;
            if (last)
                return total;
        }
    }

    private static async Task WriteChunkAsync(AesGcm aes, Stream file, byte[] id, long index, bool last, ReadOnlyMemory<byte> clear, CancellationToken ct)
    {
        var nonce = RandomNumberGenerator.GetBytes(12);
        var cipher = new byte[clear.Length];
        var tag = new byte[16];
        aes.Encrypt(nonce, clear.Span, cipher, tag, Associated(id, index, last));
        await file.WriteAsync(Length(clear.Length), ct);
        await file.WriteAsync(nonce, ct);
        await file.WriteAsync(cipher, ct);
        await file.WriteAsync(tag, ct);
    }

    private static byte[] Associated(byte[] id, long index, bool last)
    {
        var data = new byte[id.Length + 9];
        id.CopyTo(data, 0);
        BinaryPrimitives.WriteInt64BigEndian(data.AsSpan(id.Length), index);
        data[^1] = last ? (byte)1 : (byte)0;
        return data;
    }

    private static byte[] Length(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }

    private static async Task<int> ReadLengthAsync(Stream file, int max, CancellationToken ct, bool endAllowed = false)
    {
        var bytes = new byte[4];
        var read = await file.ReadAtLeastAsync(bytes, 4, throwOnEndOfStream: false, ct);
        if (read == 0 && endAllowed)
            return -1;
        if (read < 4)
            throw new InvalidDataException("the file ends inside a length field");
        var value = BinaryPrimitives.ReadInt32BigEndian(bytes);
        return value < 0 || value > max ? throw new InvalidDataException($"a length of {value} is out of range") : value;
    }

    private static async Task<int> FillAsync(Stream plain, byte[] buffer, CancellationToken ct) =>
        await plain.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, ct);
}
