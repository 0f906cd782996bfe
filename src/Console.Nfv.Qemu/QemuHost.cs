using System.Net;
using Console.Nfv.Qemu.Tls;

namespace Console.Nfv.Qemu;

/// <summary>
/// One hypervisor host of the lab: a folder for its machines' monitors and serial lines, the address migrations reach
/// it on, and its TLS credentials (issued by the console's lab CA) in <see cref="TlsFolder"/>.
/// </summary>
public sealed record QemuHost(string Name, string Folder, IPAddress Address)
{
    public string TlsFolder => Path.Combine(Folder, "tls");

    /// <summary>Whether this host holds credentials for QEMU's TLS migration (its certificate and the CA's).</summary>
    public bool HasTlsCredentials => LabCertificateAuthority.HostCredentialsExist(TlsFolder);

    internal static void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > 40 || !name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'))
            throw new ArgumentException($"'{name}' is not a machine or host name (1 to 40 letters, digits, - or _)", nameof(name));
    }
}
