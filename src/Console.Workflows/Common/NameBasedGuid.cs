using System.Security.Cryptography;
using System.Text;

namespace Console.Workflows.Common;

/// <summary>
/// Repeatable ids derived from a name (RFC 9562 version 8, SHA-256 based), so seeds and fixtures give the same ids on
/// every machine.
/// </summary>
public static class NameBasedGuid
{
    public static Guid From(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(name), hash);
        var bytes = hash[..16];
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x80);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
