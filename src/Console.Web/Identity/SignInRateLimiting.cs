using System.Threading.RateLimiting;
using Console.Workflows.Audit.Access;
using Console.Workflows.Common;

namespace Console.Web.Identity;

/// <summary>
/// Per-client throttling of the built-in sign-in form with ASP.NET Core's rate limiter: at most
/// <c>Console:SignIn:PerClientPerMinute</c> (default 30) password submissions per client address per minute (sliding),
/// whichever accounts they name. The per-account back-off is <see cref="SignInService"/>'s.
/// </summary>
public static class SignInRateLimiting
{
    public const string LoginPath = "/account/login";

    public static void AddSignInThrottling(this IServiceCollection services, IConfiguration configuration)
    {
        var perMinute = Math.Max(1, configuration.GetValue("Console:SignIn:PerClientPerMinute", 30));
        services.AddSingleton<ISignInAttemptStore, MartenSignInAttemptStore>();
        services.AddScoped<SignInService>();
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(http =>
                IsPasswordSubmission(http.Request)
                    ? RateLimitPartition.GetSlidingWindowLimiter(ClientKey(http), _ => new SlidingWindowRateLimiterOptions
                    {
                        PermitLimit = perMinute,
                        Window = TimeSpan.FromMinutes(1),
                        SegmentsPerWindow = 6,
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter("other"));
            o.OnRejected = async (context, ct) =>
            {
                var http = context.HttpContext;
                var client = ClientKey(http);
                await http.RequestServices.GetRequiredService<IAccessJournal>().RefusedAsync(
                    new Actor("client:" + client, "Client " + client, new HashSet<string>()), SignInService.Operation, "client/" + client,
                    $"More than {perMinute} sign-in attempts a minute from {client}: refused before any password was checked.", CancellationToken.None);
                http.Response.Headers.RetryAfter = "60";
                http.Response.ContentType = "text/plain; charset=utf-8";
                await http.Response.WriteAsync("Too many sign-in attempts from your address. Wait a minute and try again.", ct);
            };
        });
    }

    public static bool IsPasswordSubmission(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.Equals(LoginPath, StringComparison.OrdinalIgnoreCase);

    private static string ClientKey(HttpContext http) => http.Connection.RemoteIpAddress?.ToString() ?? "unknown";
}
