using System.Security.Cryptography;
using Console.Workflows.Audit.Integrity.Hashing;
using FsCheck.Xunit;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Audit.Integrity.Hashing;

/// <summary>The log's SHA-256 against .NET's, for any input split into up to three parts at any place.</summary>
public sealed class Sha256Tests
{
    [Fact]
    public void Hash_OnLinuxWithOpenSsl3_UsesTheLowLevelPath()
    {
        // The speed of verification and of the chain writer rests on it; a silent fall back to .NET's path should show.
        if (OperatingSystem.IsLinux() && File.Exists("/usr/lib/x86_64-linux-gnu/libcrypto.so.3")
            && Environment.GetEnvironmentVariable("VNF_CONSOLE_SHA256_EVP_ONLY") != "1")
        {
            Sha256.Native.ShouldBeTrue();
        }
    }

    [Fact]
    public void Hash_EmptyAndKnownVector_GiveTheStandardDigests()
    {
        var hash = new byte[32];
        Sha256.Hash([], hash);
        Convert.ToHexStringLower(hash).ShouldBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
        Sha256.Hash("ab"u8, "c"u8, [], hash);
        Convert.ToHexStringLower(hash).ShouldBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }

    [Property(MaxTest = 500)]
    public void Hash_AnyInputSplitAnywhere_EqualsDotNetsSha256(byte[] input, ushort first, ushort second)
    {
        var a = first % (input.Length + 1);
        var b = a + (second % (input.Length - a + 1));
        var ours = new byte[32];
        Sha256.Hash(input.AsSpan(0, a), input.AsSpan(a, b - a), input.AsSpan(b), ours);

        ours.ShouldBe(SHA256.HashData(input));
    }

    [Fact]
    public void Hash_LongInputAcrossManyBlocks_EqualsDotNetsSha256()
    {
        var input = new byte[200_003];
        new Random(27).NextBytes(input);
        var ours = new byte[32];
        Sha256.Hash(input, ours);

        ours.ShouldBe(SHA256.HashData(input));
    }

    [Fact]
    public void Hash_DestinationIsAnInput_GivesTheHashOfTheInputsBeforeTheWrite()
    {
        var left = Enumerable.Range(0, 32).Select(i => (byte)i).ToArray();
        var right = Enumerable.Range(100, 32).Select(i => (byte)i).ToArray();
        var expected = SHA256.HashData([0x01, .. left, .. right]);

        Sha256.Hash([0x01], left, right, left);

        left.ShouldBe(expected);
    }
}
