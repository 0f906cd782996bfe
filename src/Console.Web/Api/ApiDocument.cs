using Console.Web.Hosting;
using Console.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Console.Web.Api;

/// <summary>
/// The OpenAPI document at /openapi/v1.json: only /api, with the OAuth2 authorization-code (PKCE) scheme of the
/// provider the console signs in with, required by every endpoint that needs a token.
/// </summary>
internal static class ApiDocument
{
    public const string SchemeName = "oauth2";

    public static void Configure(OpenApiOptions options, ConsoleOptions console, IConfiguration configuration)
    {
        var (authorize, token, scopes) = Endpoints(console, configuration);
        options.ShouldInclude = description => description.RelativePath?.StartsWith("api/", StringComparison.OrdinalIgnoreCase) == true;

        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "VNF Mobility Console API",
                Version = "v1",
                Description = "Snapshot, migration and snapshot-deletion requests with policy-driven multi-party approval, "
                    + "the approval policy and the inventory. Send an access token (Bearer); refusals are RFC 9457 problem "
                    + "details; commands on a request send its ETag back in If-Match and get 412 when someone else acted first.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.OAuth2,
                Description = console.UseEntraId
                    ? "Authorization code with PKCE (S256) at Microsoft Entra ID, for the console's app registration."
                    : "Authorization code with PKCE (S256). Built-in provider: public client vnf-cli, redirect "
                        + ApiClients.CliRedirectUri + ".",
                Flows = new OpenApiOAuthFlows
                {
                    AuthorizationCode = new OpenApiOAuthFlow
                    {
                        AuthorizationUrl = authorize,
                        TokenUrl = token,
                        Scopes = scopes,
                    },
                },
            };
            return Task.CompletedTask;
        });

        options.AddOperationTransformer(async (operation, context, ct) =>
        {
            if (context.Description.ActionDescriptor.EndpointMetadata.OfType<JsonBodyMetadata>().FirstOrDefault() is { } body)
            {
                operation.RequestBody = new OpenApiRequestBody
                {
                    Required = body.Required,
                    Content = new Dictionary<string, OpenApiMediaType>
                    {
                        ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(body.Type, null, ct) },
                    },
                };
            }

            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any())
            {
                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement
                {
                    [new OpenApiSecuritySchemeReference(SchemeName, context.Document)] = [.. scopes.Keys],
                });
            }
        });
    }

    private static (Uri Authorize, Uri Token, Dictionary<string, string> Scopes) Endpoints(ConsoleOptions console, IConfiguration configuration)
    {
        if (console.UseEntraId)
        {
            var instance = (configuration["AzureAd:Instance"] ?? "https://login.microsoftonline.com/").TrimEnd('/');
            var tenant = configuration["AzureAd:TenantId"];
            var scope = $"api://{configuration["AzureAd:ClientId"]}/{LocalIdentityProvider.ApiScope}";
            return (new Uri($"{instance}/{tenant}/oauth2/v2.0/authorize"), new Uri($"{instance}/{tenant}/oauth2/v2.0/token"),
                new() { [scope] = "Call the console API as yourself" });
        }

        return (new Uri(console.PublicOrigin + "/connect/authorize"), new Uri(console.PublicOrigin + "/connect/token"),
            new()
            {
                ["openid"] = "Sign in",
                ["profile"] = "Your name",
                ["roles"] = "Your roles and groups",
                [LocalIdentityProvider.ApiScope] = "Call the console API as yourself",
            });
    }
}

/// <summary>
/// The JSON body an endpoint reads itself (see <see cref="ApiJson"/>), for the document. Unlike Accepts&lt;T&gt;, it does
/// not take part in routing, so a wrong Content-Type gets the endpoint's 415 problem rather than no endpoint.
/// </summary>
internal sealed record JsonBodyMetadata(Type Type, bool Required);

internal static class JsonBodyMetadataExtensions
{
    public static RouteHandlerBuilder AcceptsJson<T>(this RouteHandlerBuilder endpoint, bool required = true) =>
        endpoint.WithMetadata(new JsonBodyMetadata(typeof(T), required));
}
