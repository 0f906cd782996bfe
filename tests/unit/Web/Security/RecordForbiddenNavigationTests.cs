using System.Security.Claims;
using Bunit;
using Console.UnitTests.Workflows.Audit.Access;
using Console.Web.Components.Pages.History;
using Console.Web.Components.Shared;
using Console.Workflows.Audit.Access;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Security;

/// <summary>A forbidden page reached inside the open app is recorded like one reached by its address.</summary>
public sealed class RecordForbiddenNavigationTests : BunitContext
{
    private readonly RecordingAccessJournal _journal = new();

    public RecordForbiddenNavigationTests() => Services.AddSingleton<IAccessJournal>(_journal);

    private static ClaimsPrincipal Operator() =>
        new(new ClaimsIdentity([new Claim("sub", "operator"), new Claim("name", "Olivia Operator"), new Claim("role", "NocOperator")], "test", "name", "role"));

    [Fact]
    public void Interactive_RefusedHistoryPage_IsRecordedWithThePolicyAndTheRolesHeld()
    {
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        Services.GetRequiredService<NavigationManager>().NavigateTo("/history?vnf=1");

        Render<RecordForbiddenNavigation>(p => p.Add(x => x.PageType, typeof(HistoryList)).Add(x => x.User, Operator()));

        var refusal = _journal.Refusals.ShouldHaveSingleItem();
        (refusal.UserId, refusal.Operation, refusal.Resource).ShouldBe(("operator", "GET /history", "/history"));
        refusal.Reason.ShouldBe("Needs ViewHistory (SecurityOfficer or Auditor); holds NocOperator.");
    }

    [Fact]
    public void StaticRender_RecordsNothing_TheHttpPipelineDidAlready()
    {
        SetRendererInfo(new RendererInfo("Static", isInteractive: false));

        Render<RecordForbiddenNavigation>(p => p.Add(x => x.PageType, typeof(HistoryList)).Add(x => x.User, Operator()));

        _journal.Refusals.ShouldBeEmpty();
    }
}
