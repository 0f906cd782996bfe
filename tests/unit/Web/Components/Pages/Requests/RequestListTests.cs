using Bunit;
using Console.Web.Components.Pages.Requests;
using Console.Workflows.Requests;
using MudBlazor;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Requests;

public sealed class RequestListTests : RequestPageTest
{
    private readonly RequestScenarios.World _world;

    public RequestListTests()
    {
        _world = RequestScenarios.WithUdmAndPartnerCloud(Inventory);
        SignInAsRequester();
    }

    [Fact]
    public void ChangeWindow_ApprovedRequestWaitingForItsWindow_IsListedAsScheduled()
    {
        var waiting = RequestScenarios.WithPendingSnapshot(Store, _world, Now.AddHours(-1));
        Store.Requests[waiting.Id] = Store.Requests[waiting.Id] with { Window = new ChangeWindow(Now.AddDays(30), Now.AddDays(30).AddHours(2)) };
        Store.Append(waiting.Id, new RequestApproved(waiting.Id, waiting.ContentDigest, "system:policy", Now), "Console workflow", Now, "Approved.");
        RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-2));

        var cut = Render<RequestList>();

        cut.WaitForAssertion(() => Links(cut).Count.ShouldBe(2));
        cut.FindAll("[data-testid=scheduled-for]").Select(e => e.TextContent).ShouldBe(["Scheduled for 2025-12-20 10:00 UTC"]);
    }

    [Fact]
    public void RequestList_WhenDeepLinked_SearchesWithTheFiltersFromTheAddress()
    {
        var mine = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1));
        RequestScenarios.Submit(Store, _world, RequestKind.Migration, _world.PartnerCloud.Id, Now.AddHours(-2), "Someone else's move of the UDM.",
            requesterId: "other.operator", requesterName: "Otto Operator");
        RequestScenarios.WithPendingSnapshot(Store, _world, Now.AddHours(-3));
        Navigation.NavigateTo("/requests?status=PendingApproval&kind=Migration&q=udm&mine=true&page=0");

        var cut = Render<RequestList>();

        cut.WaitForAssertion(() => Links(cut).ShouldBe([$"/requests/{mine.Id}"]));
        RequestReader.LastSearch.ShouldBe(new RequestSearch(
            Text: "udm", Kind: RequestKind.Migration, Status: RequestStatus.PendingApproval, RequesterId: Users.Operator));
        cut.Find("[data-testid=pager-info]").TextContent.ShouldContain("of 1");
    }

    [Fact]
    public async Task RequestList_WhenStatusFilterChosen_ReloadsAndPutsItInTheAddress()
    {
        var pending = RequestScenarios.WithPendingSnapshot(Store, _world, Now.AddHours(-1));
        var rejected = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-2));
        Store.Append(rejected.Id, new RequestRejected(rejected.Id, Users.Approver, "Anna Approver", "Not now.", Now), "Anna Approver", Now, "Rejected");
        var cut = Render<RequestList>();
        cut.WaitForAssertion(() => Links(cut).Count.ShouldBe(2));

        var status = cut.FindComponents<MudSelect<RequestStatus?>>().Single();
        await cut.InvokeAsync(() => status.Instance.SelectOption((RequestStatus?)RequestStatus.Rejected));

        cut.WaitForAssertion(() => Links(cut).ShouldBe([$"/requests/{rejected.Id}"]));
        Navigation.Uri.ShouldEndWith("/requests?status=Rejected");
        cut.Find("[data-status]").GetAttribute("data-status").ShouldBe("Rejected");
        Links(cut).ShouldNotContain($"/requests/{pending.Id}");
    }

    [Fact]
    public void RequestList_WhenSortHeaderClicked_SortsOnTheServer()
    {
        RequestScenarios.WithPendingSnapshot(Store, _world, Now.AddHours(-1));
        var cut = Render<RequestList>();
        cut.WaitForAssertion(() => Links(cut).Count.ShouldBe(1));

        cut.Find("button[data-sort=Requester]").Click();

        cut.WaitForAssertion(() => RequestReader.LastSearch.SortBy.ShouldBe(RequestSortField.Requester));
        RequestReader.LastSearch.Descending.ShouldBeTrue();
        Navigation.Uri.ShouldEndWith("/requests?sort=Requester&desc=true");
    }

    [Fact]
    public void RequestList_WhenARequestChanges_ReloadsWithoutRefresh()
    {
        var request = RequestScenarios.WithPendingSnapshot(Store, _world, Now.AddHours(-1));
        var cut = Render<RequestList>();
        cut.WaitForAssertion(() => cut.Find("[data-status]").GetAttribute("data-status").ShouldBe("PendingApproval"));

        Store.Append(request.Id, new RequestCancelled(request.Id, Users.Operator, "Olivia Operator", "Not needed.", Now), "Olivia Operator", Now, "Cancelled");
        Notifications.Raise(request.Id);

        cut.WaitForAssertion(() => cut.Find("[data-status]").GetAttribute("data-status").ShouldBe("Cancelled"));
        cut.Find("[data-testid=updated-hint]");
    }

    [Fact]
    public void RequestList_ExportCsv_DownloadsEveryPageOfTheFilteredSet()
    {
        for (var i = 0; i < 230; i++)
            RequestScenarios.WithPendingSnapshot(Store, _world, Now.AddMinutes(-i - 1));
        RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1));
        Navigation.NavigateTo("/requests?kind=Snapshot");
        var module = JSInterop.SetupModule("./Components/Pages/Requests/RequestList.razor.js");
        module.SetupVoid("download", _ => true).SetVoidResult();
        var cut = Render<RequestList>();
        cut.WaitForAssertion(() => Links(cut).Count.ShouldBe(25));

        cut.Find("button[data-testid=export-csv]").Click();

        cut.WaitForAssertion(() => module.Invocations["download"].ShouldHaveSingleItem());
        var arguments = module.Invocations["download"].Single().Arguments;
        arguments[0].ShouldBe("requests-20251120-1000.csv");
        var lines = ((string)arguments[2]!).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        lines[0].ShouldBe(RequestsCsv.Header);
        lines.Length.ShouldBe(1 + 230);
        lines.Skip(1).ShouldAllBe(l => l.Contains(",Snapshot,PendingApproval,udm-1,Critical,,Olivia Operator,"));
    }

    [Fact]
    public void RequestList_WhenNothingMatches_ShowsEmptyState()
    {
        RequestScenarios.WithPendingSnapshot(Store, _world, Now.AddHours(-1));
        Navigation.NavigateTo("/requests?status=Completed");

        var cut = Render<RequestList>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=empty-state]").TextContent.ShouldContain("No requests match these filters."));
    }

    private static List<string?> Links(IRenderedComponent<RequestList> cut) =>
        [.. cut.FindAll("a[data-testid=request-link]").Select(a => a.GetAttribute("href"))];
}
