using Console.Workflows.Inventory;

namespace Console.Workflows.Policy;

/// <summary>Who may fill a group of approvers.</summary>
public enum ApproverSource
{
    /// <summary>People holding <see cref="ApproverGroup.Role"/>.</summary>
    Role = 0,

    /// <summary>Members of the owner group of the trust domain that operates the migration's target environment.</summary>
    TargetDomainOwners = 1,
}

/// <summary>N approvals needed from the people a source designates ("2 of the NOC approvers").</summary>
public sealed record ApproverGroup(string Name, ApproverSource Source, string? Role, int Required);

/// <summary>What one sensitivity level demands: where it may run, who approves work on it, how long snapshots live.</summary>
public sealed record SensitivityRule(
    Sensitivity Sensitivity,
    TrustLevel RequiredTrustLevel,
    IReadOnlyList<ApproverGroup> Approvals,
    TimeSpan MaxSnapshotAge);

/// <summary>
/// The approval policy as data: versioned (each revision is an event with who, when and why), readable by everyone,
/// edited by administrators. A request is judged by the revision in force when it was submitted.
/// </summary>
public sealed record PolicyDocument(
    IReadOnlyList<SensitivityRule> Sensitivities,
    IReadOnlyList<ApproverGroup> CrossDomainApprovals,
    TimeSpan PendingRequestTimeout,
    bool KeepLastGoodSnapshot)
{
    public SensitivityRule RuleFor(Sensitivity sensitivity) =>
        Sensitivities.FirstOrDefault(r => r.Sensitivity == sensitivity)
        ?? throw new InvalidOperationException($"The policy has no rule for {sensitivity}.");

    public TrustLevel RequiredTrustLevel(Sensitivity sensitivity) => RuleFor(sensitivity).RequiredTrustLevel;

    /// <summary>
    /// How many times one approved request may be executed in all (the first attempt and the retries people ask for).
    /// Revisions stored before this setting existed read as the default.
    /// </summary>
    public int MaxExecutionAttempts { get; init; } = PolicyRules.MaxExecutionAttemptsDefault;

    /// <summary>The bound in force, whatever a stored document says: never below 1, never above the ceiling.</summary>
    public int ExecutionAttemptsBound =>
        Math.Clamp(MaxExecutionAttempts, PolicyRules.MaxExecutionAttemptsMin, PolicyRules.MaxExecutionAttemptsMax);
}
