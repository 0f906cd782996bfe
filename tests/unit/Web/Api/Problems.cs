using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Shouldly;

namespace Console.UnitTests.Web.Api;

/// <summary>Reads what an API result would send, without a server.</summary>
internal static class Problems
{
    public static int Status(IResult result) =>
        (result as IStatusCodeHttpResult)?.StatusCode ?? throw new ShouldAssertException($"{result.GetType().Name} has no status code");

    public static ProblemDetails Problem(IResult result) =>
        ((result as IValueHttpResult)?.Value as ProblemDetails) ?? throw new ShouldAssertException($"{result.GetType().Name} is not a problem");

    public static IDictionary<string, string[]> Errors(IResult result) =>
        (Problem(result) as HttpValidationProblemDetails)?.Errors ?? throw new ShouldAssertException("not a validation problem");
}
