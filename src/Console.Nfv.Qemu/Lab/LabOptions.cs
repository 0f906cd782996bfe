namespace Console.Nfv.Qemu.Lab;

/// <summary>
/// The lab behind the NFV port (configuration section <c>Nfv:Lab</c>): where its hosts keep their folders, what the
/// machines boot (infra/lab/guest.sh prints the paths), and which execution environment each host stands for.
/// </summary>
public sealed class LabOptions
{
    public const string Section = "Nfv:Lab";

    /// <summary>The lab's folder: one sub-folder per host (monitors, serial lines, TLS credentials) and the snapshot files.</summary>
    public string Folder { get; set; } = Path.Combine(Path.GetTempPath(), "vnf-console-lab");

    /// <summary>The qemu-system-x86_64 binary.</summary>
    public string Qemu { get; set; } = "qemu-system-x86_64";

    public LabGuestOptions Guest { get; set; } = new();

    /// <summary>tcg by default: on this machine kind a KVM guest hangs after the kernel loads.</summary>
    public string Accelerator { get; set; } = "tcg";

    public int MemoryMiB { get; set; } = 128;

    /// <summary>How often the host watch lists the machines on the hosts (liveness, forks); 2 s detects a fork well within 10 s.</summary>
    public double WatchSeconds { get; set; } = 2;

    /// <summary>How often reconciliation compares what the hosts run and hold with the inventory (<see cref="LabReconciliation"/>).</summary>
    public double ReconcileSeconds { get; set; } = 15;

    /// <summary>
    /// Comma-separated VNF names the lab runs as machines from the start (booted at start-up), or <c>*</c> for every VNF
    /// of a lab environment as soon as the console meets its instance. Any other VNF of a lab environment boots only
    /// when an operation first needs its machine (a migration, a snapshot, a lifecycle operation).
    /// </summary>
    public string Deploy { get; set; } = "";

    internal bool Deploys(string vnfName) => Deploy.Trim() == "*"
        || Deploy.Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Contains(vnfName, StringComparer.OrdinalIgnoreCase);

    /// <summary>The hosts, each standing for one execution environment (by its name or id).</summary>
    public IList<LabHostOptions> Hosts { get; } = [];
}

public sealed class LabGuestOptions
{
    public string Kernel { get; set; } = "";

    public string Initrd { get; set; } = "";
}

public sealed class LabHostOptions
{
    /// <summary>The execution environment this host stands for: its name or its id.</summary>
    public string Environment { get; set; } = "";

    /// <summary>The host's name (letters, digits, - and _); its folder and its certificate carry it.</summary>
    public string Name { get; set; } = "";

    /// <summary>The address migrations reach the host on.</summary>
    public string Address { get; set; } = "127.0.0.1";

    /// <summary>
    /// Whether the console's CA issues this host a migration certificate (default yes). A host without one can neither
    /// send nor receive a VM's state: set false to rehearse the refusal of an unencrypted channel.
    /// </summary>
    public bool Certificate { get; set; } = true;
}
