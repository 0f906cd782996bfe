using Console.Web.Api.Policy;
using Microsoft.AspNetCore.Http.HttpResults;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Api;

public sealed class GuardChangeSubmittedTests
{
    [Fact]
    public void FourEyes_Api_WeakeningChange_Answers202WithTheRequestIdAndItsLocation()
    {
        var requestId = Guid.Parse("9a000000-0000-4000-8000-000000000002");

        var result = GuardChangeSubmitted.Accepted(requestId, "This revision weakens protection")
            .ShouldBeOfType<Accepted<GuardChangeSubmitted>>();

        result.StatusCode.ShouldBe(202);
        result.Location.ShouldBe($"/api/requests/{requestId:D}");
        var body = result.Value.ShouldNotBeNull();
        (body.RequestId, body.Status, body.Location).ShouldBe((requestId, "PendingApproval", $"/api/requests/{requestId:D}"));
        body.Detail.ShouldBe(
            $"This revision weakens protection, so it was submitted for approval and is not in force yet: it takes effect when a security officer other than you approves request {requestId:D}.");
    }
}
