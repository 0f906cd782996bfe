using System.Security.Cryptography;

namespace Console.Web.Hosting;

/// <summary>
/// The settings an operator may change, read once at start-up from configuration (appsettings, environment
/// variables such as <c>Console__PublicOrigin</c>, user secrets). The README lists each.
/// </summary>
public sealed class ConsoleOptions
{
    public string ConnectionString { get; init; } = "";

    /// <summary>
    /// The schema owner's connection (ConnectionStrings:ConsoleOwner): when set, the console migrates its schema with it at
    /// start-up and grants the runtime role (ConnectionStrings:Console) its privileges; without it, the schema must exist.
    /// </summary>
    public string? OwnerConnectionString { get; init; }

    /// <summary>The origin people use to reach the console, e.g. http://127.0.0.1:5080; tokens are issued for it.</summary>
    public string PublicOrigin { get; init; } = "http://127.0.0.1:5080";

    public bool SeedDemoData { get; init; }

    public string? DemoUsersFile { get; init; }

    public string ClientId { get; init; } = "vnf-console";

    public string ClientSecret { get; init; } = "";

    public string? SigningCertificate { get; init; }

    public string? SigningCertificatePassword { get; init; }

    public bool UseEntraId { get; init; }

    public bool PublicOriginIsLoopback =>
        Uri.TryCreate(PublicOrigin, UriKind.Absolute, out var uri) && uri.IsLoopback;

    public static ConsoleOptions Read(IConfiguration configuration)
    {
        var section = configuration.GetSection("Console");
        var connectionString = configuration.GetConnectionString("Console");
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                "No database configured: set ConnectionStrings:Console (environment variable ConnectionStrings__Console). " +
                "scripts/run sets it for the embedded PostgreSQL.");
        }

        var secret = section["ClientSecret"];
        return new ConsoleOptions
        {
            ConnectionString = connectionString,
            OwnerConnectionString = configuration.GetConnectionString("ConsoleOwner") is { Length: > 0 } owner ? owner : null,
            PublicOrigin = (section["PublicOrigin"] ?? "http://127.0.0.1:5080").TrimEnd('/'),
            SeedDemoData = section.GetValue<bool>("SeedDemoData"),
            DemoUsersFile = section["DemoUsersFile"],
            ClientId = section["ClientId"] ?? "vnf-console",
            // Provider and client live in one process in the embedded setup, so a per-start secret is enough there.
            ClientSecret = string.IsNullOrWhiteSpace(secret) ? Convert.ToHexString(RandomNumberGenerator.GetBytes(32)) : secret,
            SigningCertificate = section["SigningCertificate"],
            SigningCertificatePassword = section["SigningCertificatePassword"],
            UseEntraId = !string.IsNullOrWhiteSpace(configuration["AzureAd:ClientId"]),
        };
    }
}
