using Console.Web.Components.Pages.Requests;
using Console.Workflows.Requests;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Requests;

public sealed class RequestListQueryTests
{
    [Fact]
    public void Parse_DocumentedAddress_ReadsEveryFilter()
    {
        var query = RequestListQuery.Parse("http://localhost/requests?status=PendingApproval&kind=Migration&q=udm&mine=true&page=0");

        query.ShouldBe(new RequestListQuery(Text: "udm", Kind: RequestKind.Migration, Status: RequestStatus.PendingApproval, Mine: true));
    }

    [Fact]
    public void ToUri_ThenParse_GivesTheSameView()
    {
        var query = new RequestListQuery("amf 2", RequestKind.SnapshotDeletion, RequestStatus.Failed, Guid.NewGuid(), true,
            new DateOnly(2025, 11, 1), new DateOnly(2025, 11, 30), RequestSortField.Vnf, false, 3, 50);

        RequestListQuery.Parse(query.ToUri()).ShouldBe(query);
    }

    [Fact]
    public void ToUri_Defaults_IsThePlainPath() => new RequestListQuery().ToUri().ShouldBe("/requests");

    [Theory]
    [InlineData("/requests?status=3")]
    [InlineData("/requests?kind=Teleport&page=-1&size=7&from=yesterday&vnf=not-a-guid")]
    public void Parse_UnreadableValues_AreIgnored(string uri) => RequestListQuery.Parse(uri).ShouldBe(new RequestListQuery());

    [Fact]
    public void ToSearch_MineAndDates_BecomeRequesterAndWholeUtcDays()
    {
        var search = new RequestListQuery(Mine: true, From: new DateOnly(2025, 11, 1), To: new DateOnly(2025, 11, 2)).ToSearch("olli");

        search.RequesterId.ShouldBe("olli");
        search.SubmittedFrom.ShouldBe(new DateTimeOffset(2025, 11, 1, 0, 0, 0, TimeSpan.Zero));
        search.SubmittedTo.ShouldBe(new DateTimeOffset(2025, 11, 3, 0, 0, 0, TimeSpan.Zero));
    }
}
