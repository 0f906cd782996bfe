using Microsoft.AspNetCore.Diagnostics;

namespace Console.Web.Api;

/// <summary>
/// An exception on /api is answered with a problem carrying the trace id (the exception-handler middleware has
/// already logged it under that id), not with the error page.
/// </summary>
internal sealed class ApiExceptionHandler : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // The middleware has already switched the path to the error page's; the feature keeps the original.
        var path = httpContext.Features.Get<IExceptionHandlerPathFeature>()?.Path ?? httpContext.Request.Path.Value;
        if (!ApiAuthorization.IsApiPath(new PathString(path)) || httpContext.Response.HasStarted)
        {
            return false;
        }

        var problem = exception is BadHttpRequestException bad
            ? ApiResults.Problem(bad.StatusCode, "The request cannot be read", bad.Message)
            : ApiResults.Problem(StatusCodes.Status500InternalServerError, "The console failed to handle this request",
                "Check with GET whether your change took effect before trying again; if it keeps failing, report the traceId.");
        await problem.ExecuteAsync(httpContext);
        return true;
    }
}
