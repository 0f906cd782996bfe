using System.Security.Claims;
using Console.Testing.Workflows.Common;
using Console.UnitTests.Workflows.Requests;
using Console.Web.Security;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Approving;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Security;

/// <summary>The acting person's id is the same whichever way they came in (browser session or API token).</summary>
public sealed class CurrentActorTests
{
    private const string Oid = "6f1c2b9e-3a44-4d1e-9a0b-1c2d3e4f5a6b";
    private const string Tid = "72f988bf-86f1-41af-91ab-2d7cd011db47";

    private static ClaimsPrincipal Principal(string roleType, params Claim[] claims) =>
        new(new ClaimsIdentity(claims, "test", "name", roleType));

    // What Microsoft.Identity.Web leaves in the browser's session: inbound claims mapped to their long names, and the
    // ID token's sub, which Entra makes pairwise per application.
    private static ClaimsPrincipal EntraBrowser(string sub) => Principal("roles",
        new Claim(ClaimTypes.NameIdentifier, sub),
        new Claim("http://schemas.microsoft.com/identity/claims/objectidentifier", Oid),
        new Claim("http://schemas.microsoft.com/identity/claims/tenantid", Tid),
        new Claim("name", "Anna Approver"),
        new Claim("roles", Roles.NocApprover));

    // What the API's JWT handler leaves (MapInboundClaims = false): short names, and the access token's own sub.
    private static ClaimsPrincipal EntraApi(string sub) => Principal("roles",
        new Claim("sub", sub),
        new Claim("oid", Oid),
        new Claim("tid", Tid),
        new Claim("name", "Anna Approver"),
        new Claim("roles", Roles.NocApprover));

    [Fact]
    public void PersonId_EntraBrowserAndApiWithDifferentSubs_AreOnePerson()
    {
        var browser = CurrentActor.FromPrincipal(EntraBrowser("browser-pairwise-sub"));
        var api = CurrentActor.FromPrincipal(EntraApi("api-pairwise-sub"));

        browser.UserId.ShouldBe($"{Oid}@{Tid}");
        api.UserId.ShouldBe(browser.UserId);
        api.Roles.ShouldBe(browser.Roles);
    }

    [Fact]
    public void PersonId_SameObjectIdInAnotherTenant_IsAnotherPerson()
    {
        var other = Principal("roles", new Claim("oid", Oid), new Claim("tid", "11111111-2222-3333-4444-555555555555"));

        CurrentActor.PersonId(other).ShouldNotBe(CurrentActor.PersonId(EntraApi("x")));
    }

    [Fact]
    public void PersonId_NeverTheSubWhenAnObjectIdIsPresent() =>
        CurrentActor.PersonId(EntraApi("the-sub")).ShouldNotContain("the-sub");

    [Fact]
    public void PersonId_BuiltInProvider_IsTheSubInBothTokens()
    {
        var browser = Principal("role", new Claim("sub", "olli.operator"), new Claim("role", Roles.NocOperator));
        var api = Principal("role", new Claim("sub", "olli.operator"), new Claim("role", Roles.NocOperator));

        CurrentActor.FromPrincipal(browser).UserId.ShouldBe("olli.operator");
        CurrentActor.FromPrincipal(api).UserId.ShouldBe(CurrentActor.FromPrincipal(browser).UserId);
    }

    [Fact]
    public void PersonId_OnePersonThroughBothPaths_CountsOnceInAQuorum()
    {
        var viaBrowser = CurrentActor.FromPrincipal(EntraBrowser("browser-pairwise-sub"));
        var viaApi = CurrentActor.FromPrincipal(EntraApi("api-pairwise-sub"));
        var state = Scenarios.ApprovedBy(Scenarios.WithPendingCriticalMigration(), viaBrowser);

        var second = ApproveRequestDecider.Decide(
            new ApproveRequest(state.Id, state.Version, state.ContentDigest, null), state, viaApi, Scenarios.Now.AddMinutes(6), global::Console.UnitTests.Workflows.Requests.Scenarios.SteppedUp);

        second.Refusal.ShouldBeRefusal(RefusalKind.Invalid, "You have already approved this request; one person counts once.");
    }
}
