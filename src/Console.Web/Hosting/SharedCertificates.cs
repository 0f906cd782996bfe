using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Console.Workflows.Keys;

namespace Console.Web.Hosting;

/// <summary>
/// Certificates every console node must hold the same copy of: the built-in provider's token signing and encryption
/// certificates and the certificate that protects the Data Protection key ring. Each comes from a configured file
/// (PKCS#12, or PEM with certificate and private key) or, when none is configured, from a PEM file the first node
/// creates in <c>Keys:Folder</c> (owner-only; copy the folder to every node, as for the KEK master key). Never from a
/// per-user development certificate store, which differs on every machine.
/// </summary>
public static class SharedCertificates
{
    /// <summary>The configured file, or the default one in <paramref name="keysFolder"/>, created on first use.</summary>
    public static X509Certificate2 Resolve(
        string? configuredPath, string? password, string keysFolder, string defaultFileName, string subject, X509KeyUsageFlags usage)
    {
        if (configuredPath is { Length: > 0 })
            return Load(configuredPath, password);
        var path = Path.Combine(keysFolder, defaultFileName);
        var pem = LocalKeyFiles.ReadOrCreate(path, () => CreatePem(subject, usage));
        return X509Certificate2.CreateFromPem(pem, pem);
    }

    public static X509Certificate2 Load(string path, string? password)
    {
        if (!File.Exists(path))
            throw new InvalidOperationException($"The certificate file {path} does not exist (or this user may not read it).");
        var certificate = path.EndsWith(".pem", StringComparison.OrdinalIgnoreCase)
            ? X509Certificate2.CreateFromPemFile(path)
            : X509CertificateLoader.LoadPkcs12FromFile(path, password);
        if (!certificate.HasPrivateKey || certificate.GetRSAPrivateKey() is null)
            throw new InvalidOperationException($"The certificate in {path} has no RSA private key; the console needs one to sign and to decrypt.");
        return certificate;
    }

    private static string CreatePem(string subject, X509KeyUsageFlags usage)
    {
        using var rsa = RSA.Create(3072);
        var request = new CertificateRequest(new X500DistinguishedName("CN=" + subject), rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        request.CertificateExtensions.Add(new X509KeyUsageExtension(usage, critical: true));
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        var now = DateTimeOffset.UtcNow;
        using var certificate = request.CreateSelfSigned(now.AddMinutes(-5), now.AddYears(5));
        return certificate.ExportCertificatePem() + "\n" + rsa.ExportPkcs8PrivateKeyPem() + "\n";
    }
}
