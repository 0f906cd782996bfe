using Console.Workflows.Nfv;
namespace Console.Nfv.Simulator;

/// <summary>
/// How the built-in simulator behaves (configuration section <c>Nfv:Simulator</c>). Read on every call, so a change
/// of configuration takes effect without a restart: an operator can make an environment fail attestation or an
/// operation fail to rehearse the console's refusals.
/// </summary>
public sealed class NfvSimulatorOptions
{
    public const string Section = "Nfv:Simulator";

    /// <summary>How long each operation takes; unset means a realistic 1.5 to 3 seconds, drawn per operation.</summary>
    public int? DelayMilliseconds { get; set; }

    /// <summary>
    /// With <see cref="DelayMilliseconds"/>, the longest an operation takes: each draws its time between the two (the
    /// crash campaign makes operations take 10 to 30 s so that nodes die in the middle of them).
    /// </summary>
    public int? DelayMaxMilliseconds { get; set; }

    /// <summary>
    /// The name this console process signs the simulator's operation journal with (<see cref="SimulatedOperationLogEntry"/>);
    /// default host name and process id, which tells the nodes of one machine apart.
    /// </summary>
    public string? NodeName { get; set; }

    internal string ResolvedNodeName => string.IsNullOrWhiteSpace(NodeName)
        ? $"{Environment.MachineName}/{Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)}"
        : NodeName;

    /// <summary>Comma-separated operation kinds that fail: <c>Snapshot</c>, <c>Migration</c>, <c>SnapshotDeletion</c>.</summary>
    public string FailOperations { get; set; } = "";

    /// <summary>
    /// Comma-separated operation kinds that throw an unexpected error instead of reporting a failure, as a defect in a
    /// real adapter would: rehearses the workflow's retries and the failure it records when they run out.
    /// </summary>
    public string DefectOperations { get; set; } = "";

    /// <summary>
    /// Comma-separated names or ids (environments, VNFs, instances) whose quotes carry a changed measurement: the
    /// console refuses them as a measurement mismatch.
    /// </summary>
    public string FailAttestationFor { get; set; } = "";

    /// <summary>How old the evidence the subjects present is (zero: issued now). Makes evidence stale on purpose.</summary>
    public TimeSpan AttestationAge { get; set; } = TimeSpan.Zero;

    /// <summary>Names or ids whose quotes are signed by another key than their registered one (a forged quote).</summary>
    public string ForgeAttestationFor { get; set; } = "";

    /// <summary>Names or ids that answer with an earlier quote's nonce instead of the console's (a replay).</summary>
    public string ReplayAttestationFor { get; set; } = "";

    /// <summary>Environment names or ids whose transfer channels the infrastructure reports as unencrypted.</summary>
    public string UnencryptedChannelsFor { get; set; } = "";

    /// <summary>
    /// Where the simulated platforms keep their keys (attestation, sealing): a folder outside the console's database,
    /// as a real platform keeps them in its TPM. Default <c>~/.local/share/vnf-console/simulated-platforms</c>.
    /// </summary>
    public string? KeyFolder { get; set; }

    internal string ResolvedKeyFolder => string.IsNullOrWhiteSpace(KeyFolder)
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
            "vnf-console", "simulated-platforms")
        : KeyFolder;

    /// <summary>How often running instances report a heartbeat to the console; zero turns heartbeats off.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    internal bool Fails(SimulatedOperationKind kind) => Split(FailOperations)
        .Any(x => string.Equals(x, kind.ToString(), StringComparison.OrdinalIgnoreCase));

    internal bool HasDefect(SimulatedOperationKind kind) => Split(DefectOperations)
        .Any(x => string.Equals(x, kind.ToString(), StringComparison.OrdinalIgnoreCase));

    internal bool AttestationFailsFor(params (Guid Id, string? Name)[] subjects) => Matches(FailAttestationFor, subjects);

    internal bool ForgesFor(params (Guid Id, string? Name)[] subjects) => Matches(ForgeAttestationFor, subjects);

    internal bool ReplaysFor(params (Guid Id, string? Name)[] subjects) => Matches(ReplayAttestationFor, subjects);

    internal bool UnencryptedFor(params (Guid Id, string? Name)[] environments) => Matches(UnencryptedChannelsFor, environments);

    private static bool Matches(string? list, (Guid Id, string? Name)[] subjects) => Split(list)
        .Any(x => subjects.Any(s => (s.Name is not null && string.Equals(x, s.Name, StringComparison.OrdinalIgnoreCase))
            || (Guid.TryParse(x, out var id) && id == s.Id)));

    private static string[] Split(string? list) =>
        (list ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
