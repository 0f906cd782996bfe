using Console.Workflows.Requests;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests;

public sealed class ContentDigestTests
{
    private static readonly RequestContent Migration =
        new(RequestKind.Migration, UdmId, [SidfId, DataApiId], DcBId, DcAId, null, 1);

    [Fact]
    public void Of_IsLowercaseHexSha256() =>
        ContentDigest.Of(Migration).ShouldMatch("^[0-9a-f]{64}$");

    [Fact]
    public void Of_WhenComponentOrderDiffers_IsTheSame() =>
        ContentDigest.Of(Migration with { ComponentIds = [DataApiId, SidfId] }).ShouldBe(ContentDigest.Of(Migration));

    [Fact]
    public void Of_WhenAnythingApprovedChanges_Differs()
    {
        var digest = ContentDigest.Of(Migration);

        new[]
        {
            Migration with { Kind = RequestKind.Snapshot },
            Migration with { VnfId = NefId },
            Migration with { ComponentIds = [SidfId] },
            Migration with { SourceEnvironmentId = MunichId },
            Migration with { TargetEnvironmentId = MunichId },
            Migration with { TargetEnvironmentId = null },
            Migration with { SnapshotId = SnapshotId },
            Migration with { PolicyRevision = 2 },
        }.Select(ContentDigest.Of).ShouldAllBe(d => d != digest);
    }
}
