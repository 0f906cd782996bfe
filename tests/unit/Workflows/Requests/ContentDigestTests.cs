using Console.Workflows.Requests;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests;

public sealed class ContentDigestTests
{
    private const string Why = "Move SIDF closer to the subscribers.";

    private static readonly RequestContent Migration =
        new(RequestKind.Migration, UdmId, [SidfId, DataApiId], DcBId, DcAId, null, 1);

    private static readonly ChangeWindow Window = new(Now.AddHours(2), Now.AddHours(4));

    private static string Of(RequestContent content) => ContentDigest.Of(content, Why, Window);

    [Fact]
    public void Of_IsLowercaseHexSha256() =>
        Of(Migration).ShouldMatch("^[0-9a-f]{64}$");

    [Fact]
    public void Of_WhenComponentOrderDiffers_IsTheSame() =>
        Of(Migration with { ComponentIds = [DataApiId, SidfId] }).ShouldBe(Of(Migration));

    [Fact]
    public void Of_WhenTheWindowIsTheSameInstantInAnotherOffset_IsTheSame() =>
        ContentDigest.Of(Migration, Why, new ChangeWindow(Window.Start.ToOffset(TimeSpan.FromHours(2)), Window.End.ToOffset(TimeSpan.FromHours(-5))))
            .ShouldBe(Of(Migration));

    [Fact]
    public void Of_WhenAnythingApprovedChanges_Differs()
    {
        var digest = Of(Migration);

        new[]
        {
            Of(Migration with { Kind = RequestKind.Snapshot }),
            Of(Migration with { VnfId = NefId }),
            Of(Migration with { ComponentIds = [SidfId] }),
            Of(Migration with { SourceEnvironmentId = MunichId }),
            Of(Migration with { TargetEnvironmentId = MunichId }),
            Of(Migration with { TargetEnvironmentId = null }),
            Of(Migration with { SnapshotId = SnapshotId }),
            Of(Migration with { PolicyRevision = 2 }),
            ContentDigest.Of(Migration, Why + " Now.", Window),
            ContentDigest.Of(Migration, Why, null),
            ContentDigest.Of(Migration, Why, Window with { End = Window.End.AddMinutes(1) }),
            ContentDigest.Of(Migration, Why, Window with { Start = Window.Start.AddMinutes(-1) }),
        }.ShouldAllBe(d => d != digest);
    }
}
