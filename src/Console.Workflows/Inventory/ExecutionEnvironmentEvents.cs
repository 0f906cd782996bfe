namespace Console.Workflows.Inventory;

public sealed record EnvironmentRegistered(
    Guid EnvironmentId, string Name, EnvironmentKind Kind, string Location, TrustLevel TrustLevel, string By, DateTimeOffset At);

public sealed record EnvironmentChanged(
    Guid EnvironmentId, string Name, EnvironmentKind Kind, string Location, TrustLevel TrustLevel, string By, DateTimeOffset At);

/// <summary>The result of a remote attestation of the environment's platform, as reported to the console.</summary>
public sealed record EnvironmentAttestationRecorded(
    Guid EnvironmentId, AttestationStatus Status, string By, DateTimeOffset At);

/// <summary>The environment is now operated by this trust domain (set at registration or changed later).</summary>
public sealed record EnvironmentOperatorDomainAssigned(Guid EnvironmentId, Guid TrustDomainId, string By, DateTimeOffset At);

public sealed partial record ExecutionEnvironment
{
    public static ExecutionEnvironment Create(EnvironmentRegistered e) =>
        new(e.EnvironmentId, e.Name, e.Kind, e.Location, e.TrustLevel, AttestationStatus.Unknown, null);

    public ExecutionEnvironment Apply(EnvironmentChanged e) =>
        this with { Name = e.Name, Kind = e.Kind, Location = e.Location, TrustLevel = e.TrustLevel };

    // Only a passed attestation moves LastAttestedAt: a failed or expired one must not look fresh.
    public ExecutionEnvironment Apply(EnvironmentAttestationRecorded e) =>
        this with
        {
            AttestationStatus = e.Status,
            LastAttestedAt = e.Status == AttestationStatus.Attested ? e.At : LastAttestedAt,
        };

    public ExecutionEnvironment Apply(EnvironmentOperatorDomainAssigned e) => this with { OperatorDomainId = e.TrustDomainId };
}
