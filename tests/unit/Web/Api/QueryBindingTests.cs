using Console.Web.Api.Inventory;
using Console.Web.Api.Requests;
using Console.Workflows.Inventory;
using Console.Workflows.Requests;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Api;

public sealed class QueryBindingTests
{
    [Fact]
    public void VnfQuery_WhenEmpty_IsTheDefaultSearch()
    {
        var (search, _) = new VnfQuery().ToSearch();

        search.ShouldBe(new VnfSearch());
    }

    [Fact]
    public void VnfQuery_WhenEveryParameterIsGiven_ReadsThemCaseInsensitively()
    {
        var env = Guid.NewGuid();
        var domain = Guid.NewGuid();

        var (search, _) = new VnfQuery
        {
            Q = " amf ", Type = "amf", Env = env.ToString(), Domain = domain.ToString(), Sensitivity = "critical",
            Sort = "vendor", Desc = "true", Page = "2", Size = "10",
        }.ToSearch();

        search.ShouldBe(new VnfSearch("amf", VnfType.AMF, env, domain, Sensitivity.Critical, VnfSortField.Vendor, true, 2, 10));
    }

    [Fact]
    public void VnfQuery_WhenValuesCannotBeRead_NamesEachParameter()
    {
        var (search, errors) = new VnfQuery { Type = "XYZ", Env = "nope", Desc = "yes", Page = "-1", Size = "1000", Sensitivity = "2" }.ToSearch();

        search.ShouldBeNull();
        errors.ToDictionary().Keys.Order().ShouldBe(["desc", "env", "page", "sensitivity", "size", "type"]);
        errors.ToDictionary()["type"][0].ShouldContain("AMF");
    }

    [Fact]
    public void RequestQuery_WhenEmpty_IsNewestFirst()
    {
        var (search, _) = new RequestQuery().ToSearch();

        search.ShouldBe(new RequestSearch());
        search!.Descending.ShouldBeTrue();
    }

    [Fact]
    public void RequestQuery_WhenFiltered_ReadsKindStatusVnfAndPeriod()
    {
        var vnf = Guid.NewGuid();

        var (search, _) = new RequestQuery
        {
            Kind = "Migration", Status = "pendingapproval", Vnf = vnf.ToString(), Requester = "operator",
            From = "2026-05-01T00:00:00Z", To = "2026-05-02T00:00:00Z", Sort = "LastChangedAt", Desc = "false",
        }.ToSearch();

        search!.Kind.ShouldBe(RequestKind.Migration);
        search.Status.ShouldBe(RequestStatus.PendingApproval);
        search.VnfId.ShouldBe(vnf);
        search.RequesterId.ShouldBe("operator");
        search.SubmittedFrom.ShouldBe(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));
        search.SortBy.ShouldBe(RequestSortField.LastChangedAt);
        search.Descending.ShouldBeFalse();
    }

    [Fact]
    public void RequestQuery_WhenToIsBeforeFrom_NamesTo()
    {
        var (search, errors) = new RequestQuery { From = "2026-05-02T00:00:00Z", To = "2026-05-01T00:00:00Z" }.ToSearch();

        search.ShouldBeNull();
        errors.ToDictionary().Keys.ShouldBe(["to"]);
    }

    [Fact]
    public void RequestQuery_WhenStatusIsUnknown_ListsTheStatuses() =>
        new RequestQuery { Status = "Done" }.ToSearch().Errors.ToDictionary()["status"][0].ShouldContain("PendingApproval");

    [Theory]
    [InlineData("2147483647", "100")]
    [InlineData("10000", "100")]
    [InlineData("1000000", "1")]
    public void Paging_BeyondTheReachableRows_IsRefusedNamingThePage(string page, string size)
    {
        var (requests, requestErrors) = new RequestQuery { Page = page, Size = size }.ToSearch();
        var (vnfs, vnfErrors) = new VnfQuery { Page = page, Size = size }.ToSearch();

        requests.ShouldBeNull();
        vnfs.ShouldBeNull();
        requestErrors.ToDictionary().Keys.ShouldBe(["page"]);
        vnfErrors.ToDictionary().Keys.ShouldBe(["page"]);
        requestErrors.ToDictionary()["page"][0].ShouldBe($"Use a whole number from 0 to {(1_000_000 / int.Parse(size)) - 1}.");
    }

    [Fact]
    public void Paging_OnTheLastReachablePage_IsRead()
    {
        var (search, errors) = new RequestQuery { Page = "9999", Size = "100" }.ToSearch();

        errors.Any.ShouldBeFalse();
        search!.Page.ShouldBe(9999);
        search.PageSize.ShouldBe(100);
    }
}
