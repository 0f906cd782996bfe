using System.Security.Claims;
using Console.Web.Api;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Api;

public sealed class ApiAuthorizationTests
{
    [Theory]
    [InlineData("/api/requests", true)]
    [InlineData("/API/policy", true)]
    [InlineData("/api", true)]
    [InlineData("/apis", false)]
    [InlineData("/inventory", false)]
    public void IsApiPath_OnlyUnderApi(string path, bool expected) =>
        ApiAuthorization.IsApiPath(new PathString(path)).ShouldBe(expected);

    [Fact]
    public void ForbiddenDetail_NamesTheRolesNeededAndTheRolesTheTokenCarries()
    {
        var policy = new AuthorizationPolicyBuilder().RequireRole("NocOperator").Build();
        var identity = new ClaimsIdentity([new Claim("sub", "auditor"), new Claim("role", "Auditor")], "test", "name", "role");
        var http = new DefaultHttpContext { User = new ClaimsPrincipal(identity) };

        var detail = ApiAuthorizationResultHandler.ForbiddenDetail(policy, http);

        detail.ShouldBe("This needs one of the roles NocOperator; your token carries Auditor.");
    }
}
