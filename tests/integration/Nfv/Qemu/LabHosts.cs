using System.Net;
using Console.Nfv.Qemu;
using Console.Nfv.Qemu.Tls;
using Console.Testing;
using Console.IntegrationTests.Workflows.Audit.Integrity;

namespace Console.IntegrationTests.Nfv.Qemu;

/// <summary>
/// The lab for the Lab tests: the guest infra/lab/guest.sh builds (it installs QEMU and the kernel when missing), a CA,
/// two hosts with migration certificates from it and one without, each a folder of its own; machines run under TCG.
/// </summary>
public sealed class LabHosts : IDisposable
{
    private readonly string _folder = Path.Combine("/tmp", "vnf-lab-" + Guid.NewGuid().ToString("N")[..10]);

    public LabHosts()
    {
        var settings = RunGuestScript();
        Guest = new LabGuest(settings["Lab__Qemu"], settings["Lab__Guest__Kernel"], settings["Lab__Guest__Initrd"]);
        Authority = LabCertificateAuthority.Create("vnf-console lab CA (tests)", DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
        A = Host("host-a");
        B = Host("host-b");
        WithoutCertificate = new QemuHost("host-c", Path.Combine(_folder, "host-c"), IPAddress.Loopback);
        Directory.CreateDirectory(WithoutCertificate.Folder);
        Authority.Issue(A, DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
        Authority.Issue(B, DateTimeOffset.UtcNow, TimeSpan.FromDays(1));
    }

    public LabGuest Guest { get; }

    public LabCertificateAuthority Authority { get; }

    public QemuHost A { get; }

    public QemuHost B { get; }

    public QemuHost WithoutCertificate { get; }

    /// <summary>A free TCP port on 127.0.0.1 for one migration.</summary>
    public static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private QemuHost Host(string name)
    {
        var host = new QemuHost(name, Path.Combine(_folder, name), IPAddress.Loopback);
        Directory.CreateDirectory(host.Folder);
        return host;
    }

    private static Dictionary<string, string> RunGuestScript() =>
        InfraScript.Settings(TestRepository.Root, "infra/lab/guest.sh", "ensure")
            .ToDictionary(l => l[..l.IndexOf('=', StringComparison.Ordinal)], l => l[(l.IndexOf('=', StringComparison.Ordinal) + 1)..]);

    public void Dispose()
    {
        Authority.Dispose();
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
