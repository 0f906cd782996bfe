using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Console.Nfv.Qemu.Tls;

/// <summary>
/// The CA the console controls for migration channels: it issues each host a certificate for its migration address,
/// written where QEMU's <c>tls-creds-x509</c> object reads it (ca-cert.pem, server-cert.pem and server-key.pem for the
/// receiving side, client-cert.pem and client-key.pem for the sending side). Both ends verify the other against this CA
/// only, so a host without a certificate from it can neither send nor receive a VM's state.
/// </summary>
public sealed class LabCertificateAuthority : IDisposable
{
    private readonly ECDsa _key;

    private LabCertificateAuthority(X509Certificate2 certificate, ECDsa key)
    {
        Certificate = certificate;
        _key = key;
    }

    public X509Certificate2 Certificate { get; }

    /// <summary>A new CA (ECDSA P-256) valid for <paramref name="lifetime"/>.</summary>
    public static LabCertificateAuthority Create(string name, DateTimeOffset now, TimeSpan lifetime)
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return new LabCertificateAuthority(request.CreateSelfSigned(now.AddMinutes(-5), now.Add(lifetime)), key);
    }

    /// <summary>Issues <paramref name="host"/>'s certificate for its address and writes its credentials into its TLS folder.</summary>
    public void Issue(QemuHost host, DateTimeOffset now, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(host);
        Directory.CreateDirectory(host.TlsFolder);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={host.Name}", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(host.Address);
        names.AddDnsName(host.Name);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension(
            [new Oid("1.3.6.1.5.5.7.3.1"), new Oid("1.3.6.1.5.5.7.3.2")], false)); // server and client authentication
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7f;
        // A host's certificate never outlives the CA that issued it.
        var notAfter = now.Add(lifetime) < Certificate.NotAfter ? now.Add(lifetime) : new DateTimeOffset(Certificate.NotAfter);
        using var certificate = request.Create(Certificate, now.AddMinutes(-5), notAfter, serial);
        var certificatePem = certificate.ExportCertificatePem();
        var keyPem = key.ExportPkcs8PrivateKeyPem();
        Write(host.TlsFolder, "ca-cert.pem", Certificate.ExportCertificatePem());
        foreach (var side in new[] { "server", "client" })
        {
            Write(host.TlsFolder, $"{side}-cert.pem", certificatePem);
            Write(host.TlsFolder, $"{side}-key.pem", keyPem, secret: true);
        }
    }

    private static readonly string[] CredentialFiles = ["ca-cert.pem", "server-cert.pem", "server-key.pem", "client-cert.pem", "client-key.pem"];

    internal static bool HostCredentialsExist(string folder) => CredentialFiles.All(f => File.Exists(Path.Combine(folder, f)));

    private static void Write(string folder, string file, string text, bool secret = false)
    {
        var path = Path.Combine(folder, file);
        File.WriteAllText(path, text);
        if (secret && !OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    public void Dispose()
    {
        Certificate.Dispose();
        _key.Dispose();
    }
}
