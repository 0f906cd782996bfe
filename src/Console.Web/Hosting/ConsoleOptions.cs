using Console.Workflows.Keys;
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

    /// <summary>The provider's token encryption certificate; without it the signing certificate, if one is configured.</summary>
    public string? EncryptionCertificate { get; init; }

    public string? EncryptionCertificatePassword { get; init; }

    /// <summary>The certificate that encrypts and signs the Data Protection key ring in the database.</summary>
    public string? DataProtectionCertificate { get; init; }

    public string? DataProtectionCertificatePassword { get; init; }

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
            // Every start rewrites the client's registration with this secret, so all nodes must know the same one: when
            // none is configured, the first node writes one to the key folder the nodes share.
            ClientSecret = string.IsNullOrWhiteSpace(secret)
                ? LocalKeyFiles.ReadOrCreate(
                    Path.Combine(KeyStoreOptions.From(configuration).ResolvedFolder, "provider-client-secret"),
                    () => Convert.ToHexString(RandomNumberGenerator.GetBytes(32))).Trim()
                : secret,
            SigningCertificate = section["SigningCertificate"],
            SigningCertificatePassword = section["SigningCertificatePassword"],
            EncryptionCertificate = section["EncryptionCertificate"],
            EncryptionCertificatePassword = section["EncryptionCertificatePassword"],
            DataProtectionCertificate = section["DataProtection:Certificate"],
            DataProtectionCertificatePassword = section["DataProtection:CertificatePassword"],
            UseEntraId = !string.IsNullOrWhiteSpace(configuration["AzureAd:ClientId"]),
        };
    }
}
