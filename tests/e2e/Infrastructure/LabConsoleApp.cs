using System.Diagnostics;

namespace Console.E2ETests.Infrastructure;

/// <summary>
/// A second console for the lab's journeys, started like the first but with <c>Nfv:Infrastructure = Lab</c>: Frankfurt
/// Core DC A and the Munich Regional Cluster are lab hosts holding migration certificates from the console's CA, and
/// only <see cref="Vnf"/> boots as a real QEMU machine (the guest infra/lab/guest.sh builds); every other VNF stays on
/// the simulator, so the console boots one VM, not dozens. One class fixture, so the machine and the second console
/// live only while that class runs. The machines are children of the console process and end with it; any QEMU
/// process still running under the lab's folder afterwards is ended and fails the run.
/// </summary>
public sealed class LabConsoleApp : ConsoleApp
{
    public const string Vnf = "nrf-fra-01";
    public const string DcA = "Frankfurt Core DC A";
    public const string DcAHost = "lab-fra-dc-a";
    public const string Munich = "Munich Regional Cluster";
    public const string MunichHost = "lab-munich";

    private readonly string _folder = Path.Combine("/tmp", "vnf-e2e-lab-" + Guid.NewGuid().ToString("N")[..8]);

    protected override IEnumerable<KeyValuePair<string, string>> MoreSettings()
    {
        // guest.sh prints Lab__Qemu, Lab__Guest__Kernel and Lab__Guest__Initrd; the console reads them under Nfv:Lab.
        foreach (var line in InfraScript.Settings(TestRepository.Root, "infra/lab/guest.sh", "ensure"))
        {
            var split = line.IndexOf('=', StringComparison.Ordinal);
            if (line.StartsWith("Lab__", StringComparison.Ordinal))
                yield return new("Nfv__" + line[..split], line[(split + 1)..]);
        }

        yield return new("Nfv__Infrastructure", "Lab");
        yield return new("Nfv__Lab__Folder", _folder);
        yield return new("Nfv__Lab__Hosts__0__Environment", DcA);
        yield return new("Nfv__Lab__Hosts__0__Name", DcAHost);
        yield return new("Nfv__Lab__Hosts__1__Environment", Munich);
        yield return new("Nfv__Lab__Hosts__1__Name", MunichHost);
        yield return new("Nfv__Lab__Deploy", Vnf);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        var leftovers = QemuUnder(_folder);
        foreach (var process in leftovers)
        {
            using (process)
            {
                try
                {
                    process.Kill();
                    await process.WaitForExitAsync();
                }
                catch (InvalidOperationException)
                {
                    // It ended on its own meanwhile.
                }
            }
        }

        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
        GC.SuppressFinalize(this);
        if (leftovers.Count > 0)
            throw new InvalidOperationException($"{leftovers.Count} QEMU process(es) of the lab console outlived it; they were ended.");
    }

    /// <summary>The processes whose command line names the lab's folder (each machine's monitor socket lies in it).</summary>
    private static List<Process> QemuUnder(string folder)
    {
        var found = new List<Process>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
                continue;
            string commandLine;
            try
            {
                commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
            }
            catch (IOException)
            {
                continue; // Ended while we looked.
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            if (commandLine.Contains(folder, StringComparison.Ordinal) && commandLine.Contains("qemu", StringComparison.Ordinal))
            {
                try
                {
                    found.Add(Process.GetProcessById(pid));
                }
                catch (ArgumentException)
                {
                    // Ended while we looked.
                }
            }
        }

        return found;
    }
}
