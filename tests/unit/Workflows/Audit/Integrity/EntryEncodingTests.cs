using System.Text;
using Console.Workflows.Audit.Integrity.Chaining;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Audit.Integrity;

public sealed class EntryEncodingTests
{
    private static readonly ChainedEvent Approval = new(
        42,
        Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        Guid.Parse("7c9e6679-7425-40de-944b-e07fc1f90ae7"),
        3,
        "approval_granted",
        1_795_761_370_068_357,
        "*DEFAULT*",
        null,
        Encoding.UTF8.GetBytes("{\"By\": \"approver\", \"Reason\": \"Zürich ✓\"}"));

    [Fact]
    public void Encode_KnownEvent_GivesTheDocumentedBytes()
    {
        // Written out field by field from infra/audit/README.md; the same bytes infra/audit/verify-proof.py produces.
        var expected =
            "0000001a" + Convert.ToHexStringLower("vnf-console/audit-entry/v1"u8) +
            "00000008" + "000000000000002a" +
            "00000010" + "0f8fad5bd9cb469fa16570867728950e" +
            "00000010" + "7c9e6679742540de944be07fc1f90ae7" +
            "00000008" + "0000000000000003" +
            "00000010" + Convert.ToHexStringLower("approval_granted"u8) +
            "00000008" + "0006613c46907585" +
            "00000009" + Convert.ToHexStringLower("*DEFAULT*"u8) +
            "ffffffff" +
            "0000002b" + Convert.ToHexStringLower(Approval.Data);

        Convert.ToHexStringLower(EntryEncoding.Encode(Approval)).ShouldBe(expected);
    }

    [Fact]
    public void Hash_KnownEvent_MatchesTheIndependentPythonImplementation()
    {
        // Values computed by infra/audit/verify-proof.py's entry_hash for the same event.
        Convert.ToHexStringLower(EntryEncoding.Hash(new byte[32], Approval))
            .ShouldBe("44ddf2532e269d8a3a20db897b0e9594855f87a44425d918e3e124c19d7b8bb3");
        Convert.ToHexStringLower(EntryEncoding.Hash(Enumerable.Repeat((byte)0x11, 32).ToArray(), Approval))
            .ShouldBe("0e46255b87cdb98f8b095311b2ffbaae59907d2d0fd6ebce967c6a77d997920a");
    }

    [Fact]
    public void Encode_NullAndEmptyText_AreDifferent()
    {
        var withNull = EntryEncoding.Encode(Approval with { TenantId = null });
        var withEmpty = EntryEncoding.Encode(Approval with { TenantId = "" });

        withNull.ShouldNotBe(withEmpty);
    }

    [Fact]
    public void Encode_BytesMovedAcrossAFieldBoundary_ChangeTheEncoding()
    {
        var a = EntryEncoding.Encode(Approval with { Type = "ab", TenantId = "c" });
        var b = EntryEncoding.Encode(Approval with { Type = "a", TenantId = "bc" });

        a.ShouldNotBe(b);
    }

    [Fact]
    public void Encode_NoStream_IsTheNullMarker()
    {
        var bytes = EntryEncoding.Encode(Approval with { StreamId = null });

        // tag (4+26), seq (4+8), event id (4+16), then the stream field: just the null length.
        Convert.ToHexStringLower(bytes.AsSpan(30 + 12 + 20, 4)).ShouldBe("ffffffff");
    }

    [Fact]
    public void Hash_SameEventAfterAnotherPrevious_Differs()
    {
        EntryEncoding.Hash(new byte[32], Approval).ShouldNotBe(EntryEncoding.Hash(EntryEncoding.Hash(new byte[32], Approval), Approval));
    }

    [Theory]
    [InlineData("2026-11-27T06:36:10.0683570Z", 1_795_761_370_068_357L)]
    [InlineData("1970-01-01T00:00:00.0000000Z", 0L)]
    [InlineData("1969-12-31T23:59:59.9999990Z", -1L)]
    public void ToMicros_UtcTime_CountsMicrosecondsSinceTheEpoch(string time, long micros)
    {
        var utc = DateTime.Parse(time, null, System.Globalization.DateTimeStyles.AdjustToUniversal | System.Globalization.DateTimeStyles.AssumeUniversal);

        EntryEncoding.ToMicros(utc).ShouldBe(micros);
        EntryEncoding.FromMicros(micros).UtcDateTime.ShouldBe(utc);
    }

    [Fact]
    public void ToMicros_MinusInfinityAsNpgsqlReadsIt_IsAFixedNumber()
    {
        // Marten stamps its tombstone events with -infinity, which Npgsql reads as DateTime.MinValue.
        EntryEncoding.ToMicros(DateTime.MinValue).ShouldBe(-62_135_596_800_000_000L);
    }
}
