using System.Text.Json.Serialization;
using Console.Web.Api.Attestation;
using Console.Web.Api.Audit;
using Console.Web.Api.Continuity;
using Console.Web.Api.Inventory;
using Console.Web.Api.Policy;
using Console.Web.Api.Requests;
using Console.Web.Api.Snapshots;
using Console.Web.Hosting;
using Microsoft.AspNetCore.Authorization;
using Scalar.AspNetCore;

namespace Console.Web.Api;

/// <summary>The REST API under /api: same commands and queries as the pages, bearer tokens, problem details.</summary>
public static class ApiSetup
{
    public static void AddConsoleApi(this WebApplicationBuilder builder, ConsoleOptions console)
    {
        var services = builder.Services;
        services.AddProblemDetails();
        services.AddExceptionHandler<ApiExceptionHandler>();
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, ApiAuthorizationResultHandler>();

        // Enums travel as their names; a number or unknown name is a 400 naming the field, never a silent default.
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false)));
        services.AddOpenApi("v1", o => ApiDocument.Configure(o, console, builder.Configuration));
    }

    public static void MapConsoleApi(this WebApplication app)
    {
        var console = app.Services.GetRequiredService<ConsoleOptions>();

        // The problems are the answer: the HTML status pages must not replace them.
        var api = app.MapGroup("/api")
            .WithMetadata(new SkipStatusCodePages())
            .DisableAntiforgery()
            .RequireApiToken()
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status403Forbidden);

        api.MapInventoryApi();
        api.MapRequestsApi();
        api.MapPolicyApi();
        api.MapContinuityApi();
        api.MapSnapshotsApi();
        api.MapEnrolmentApi();
        api.MapAuditProofApi();

        api.Map("/{**path}", (HttpContext http) => ApiResults.Problem(StatusCodes.Status404NotFound, "No such endpoint",
                $"There is no API endpoint {http.Request.Method} {http.Request.Path}; the reference is at /api/docs."))
            .ExcludeFromDescription();

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference("/api/docs", o =>
            {
                o.WithTitle("VNF Mobility Console API").WithOpenApiRoutePattern("/openapi/{documentName}.json");
                if (!console.UseEntraId)
                {
                    // "Authorize" on the page signs in at the built-in provider as the public vnf-cli client.
                    o.AddPreferredSecuritySchemes(ApiDocument.SchemeName)
                        .AddAuthorizationCodeFlow(ApiDocument.SchemeName, flow => flow
                            .WithClientId(ApiClients.CliClientId)
                            .WithPkce(Pkce.Sha256)
                            .WithRedirectUri(ApiClients.DocsRedirectUri(console))
                            .WithSelectedScopes(["openid", "profile", "roles", Identity.LocalIdentityProvider.ApiScope]));
                }
            })
            .AllowAnonymous();
    }
}

/// <summary>Marks endpoints whose error answers are problem details the status-code pages must leave alone.</summary>
internal sealed class SkipStatusCodePages : Microsoft.AspNetCore.Http.Metadata.ISkipStatusCodePagesMetadata;
