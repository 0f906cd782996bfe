namespace Console.Workflows.Nfv;

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

    /// <summary>Comma-separated operation kinds that fail: <c>Snapshot</c>, <c>Migration</c>, <c>SnapshotDeletion</c>.</summary>
    public string FailOperations { get; set; } = "";

    /// <summary>
    /// Comma-separated operation kinds that throw an unexpected error instead of reporting a failure, as a defect in a
    /// real adapter would: rehearses the workflow's retries and the failure it records when they run out.
    /// </summary>
    public string DefectOperations { get; set; } = "";

    /// <summary>Comma-separated environment names or ids whose attestation fails.</summary>
    public string FailAttestationFor { get; set; } = "";

    /// <summary>How old the evidence the environments present is (zero: issued now). Makes evidence stale on purpose.</summary>
    public TimeSpan AttestationAge { get; set; } = TimeSpan.Zero;

    internal bool Fails(SimulatedOperationKind kind) => Split(FailOperations)
        .Any(x => string.Equals(x, kind.ToString(), StringComparison.OrdinalIgnoreCase));

    internal bool HasDefect(SimulatedOperationKind kind) => Split(DefectOperations)
        .Any(x => string.Equals(x, kind.ToString(), StringComparison.OrdinalIgnoreCase));

    internal bool AttestationFailsFor(Guid environmentId, string environmentName) => Split(FailAttestationFor)
        .Any(x => string.Equals(x, environmentName, StringComparison.OrdinalIgnoreCase)
            || (Guid.TryParse(x, out var id) && id == environmentId));

    private static string[] Split(string? list) =>
        (list ?? "").Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
