using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Xml.Linq;
using Console.Workflows.Keys;
using Marten;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Options;

namespace Console.Web.Hosting;

/// <summary>One Data Protection key as stored in the database: its XML (secret encrypted) and the nodes' signature.</summary>
public sealed record KeyRingEntry(string Id, string Xml, string Signature);

/// <summary>
/// The ASP.NET Core Data Protection key ring (sign-in cookies, antiforgery tokens, the provider's own cookie) shared by
/// every console node: in the database, each key's secret encrypted to the key-ring certificate, and each entry signed
/// with that certificate's private key. Encryption alone would not do: anyone may encrypt to a public key, so a
/// database owner could plant a key of their own and forge sign-in cookies. An entry whose signature does not verify
/// is ignored and logged.
/// </summary>
public static class DataProtectionKeyRing
{
    public const string ApplicationName = "vnf-console";

    public static void AddConsoleDataProtection(this WebApplicationBuilder builder, ConsoleOptions console)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(console);
        var certificate = SharedCertificates.Resolve(
            console.DataProtectionCertificate, console.DataProtectionCertificatePassword,
            KeyStoreOptions.From(builder.Configuration).ResolvedFolder, "data-protection.pem", "VNF console key ring",
            X509KeyUsageFlags.KeyEncipherment | X509KeyUsageFlags.DigitalSignature);
        // The same name on every node: the default is the content root path, which differs between installations.
        builder.Services.AddDataProtection().SetApplicationName(ApplicationName).ProtectKeysWithCertificate(certificate);
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(services =>
            new ConfigureOptions<KeyManagementOptions>(o => o.XmlRepository = new SignedKeyRepository(
                services.GetRequiredService<IDocumentStore>(), certificate,
                services.GetRequiredService<ILogger<SignedKeyRepository>>())));
    }
}

/// <summary>The key ring's entries in Marten, signed by the node that wrote them and checked when read.</summary>
public sealed class SignedKeyRepository(IDocumentStore store, X509Certificate2 certificate, ILogger<SignedKeyRepository> logger)
    : IXmlRepository
{
    public IReadOnlyCollection<XElement> GetAllElements()
    {
        // IXmlRepository is synchronous and Marten 9 only reads asynchronously; the ring is read at start and about once
        // a day, and ASP.NET Core has no synchronization context to deadlock on.
        using var session = store.QuerySession();
        var entries = session.Query<KeyRingEntry>().ToListAsync().GetAwaiter().GetResult();
        var elements = new List<XElement>(entries.Count);
        foreach (var entry in entries)
        {
            if (!Verifies(entry))
            {
                logger.LogError(
                    "Data Protection key {Id} in the database is not signed by the key-ring certificate: ignored. Someone wrote it " +
                    "without the console (a database owner or administrator); find out who.", entry.Id);
                continue;
            }

            elements.Add(XElement.Parse(entry.Xml));
        }

        return elements;
    }

    public void StoreElement(XElement element, string friendlyName)
    {
        ArgumentNullException.ThrowIfNull(element);
        var xml = element.ToString(SaveOptions.DisableFormatting);
        using var rsa = certificate.GetRSAPrivateKey()
            ?? throw new InvalidOperationException("The key-ring certificate has no RSA private key.");
        var signature = rsa.SignData(Encoding.UTF8.GetBytes(xml), HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
        using var session = store.LightweightSession();
        session.Store(new KeyRingEntry(string.IsNullOrEmpty(friendlyName) ? Guid.NewGuid().ToString("N") : friendlyName, xml,
            Convert.ToBase64String(signature)));
        session.SaveChangesAsync().GetAwaiter().GetResult();
    }

    internal bool Verifies(KeyRingEntry entry)
    {
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is null)
            return false;
        Span<byte> signature = stackalloc byte[rsa.KeySize / 8];
        return Convert.TryFromBase64String(entry.Signature, signature, out var length) && length == signature.Length
            && rsa.VerifyData(Encoding.UTF8.GetBytes(entry.Xml), signature, HashAlgorithmName.SHA256, RSASignaturePadding.Pss);
    }
}
