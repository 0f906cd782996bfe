using Console.Workflows.Inventory.ChangingEnvironment;
using Console.Workflows.Inventory.ChangingTrustDomain;
using Console.Workflows.Inventory.ChangingVnf;
using Console.Workflows.Policy;

namespace Console.Workflows.Guards;

/// <summary>What a guard change edits: the inventory items and the policy that migrations and approvals are judged by.</summary>
public enum GuardTarget
{
    Environment = 0,
    TrustDomain = 1,
    Vnf = 2,
    Policy = 3,

    /// <summary>The roles of a built-in account (a grant of a role that approves or administers).</summary>
    AccountRoles = 4,

    /// <summary>A person's second factor (an administrator's reset after a lost authenticator).</summary>
    SecondFactor = 5,
}

/// <summary>One changed property, before and after, and whether the change weakens protection.</summary>
public sealed record GuardDifference(string What, string Before, string After, bool Weakens);

/// <summary>The classification of one change: every difference it makes; weakening when any difference weakens.</summary>
public sealed record GuardVerdict(IReadOnlyList<GuardDifference> Differences)
{
    public bool Weakens => Differences.Any(d => d.Weakens);

    public IEnumerable<GuardDifference> Weakening => Differences.Where(d => d.Weakens);
}

/// <summary>
/// A change to a guard that weakens protection, held in a request until a security officer other than the requester
/// approves it. It carries the exact command the administrator gave (made against <see cref="BaseVersion"/>), so the
/// approved change is applied as approved, or refused if the target moved on in the meantime. Exactly one of the
/// command properties is set, the one <see cref="Target"/> names.
/// </summary>
public sealed record GuardChange(
    GuardTarget Target,
    Guid TargetId,
    string TargetName,
    int BaseVersion,
    IReadOnlyList<GuardDifference> Differences)
{
    public ChangeEnvironment? Environment { get; init; }

    public ChangeTrustDomain? TrustDomain { get; init; }

    public ChangeVnf? Vnf { get; init; }

    public RevisePolicy? Policy { get; init; }

    public Accounts.ChangeAccountRoles? AccountRoles { get; init; }

    public Accounts.ResettingSecondFactor.ResetSecondFactor? SecondFactorReset { get; init; }

    /// <summary>The reason the command itself carries (policy revisions, account changes), or null.</summary>
    public string? Reason => (Policy?.Reason ?? AccountRoles?.Reason ?? SecondFactorReset?.Reason)?.Trim();

    /// <summary>"environment Edge Berlin", "the approval policy", for sentences and the request list.</summary>
    public string Subject => Target switch
    {
        GuardTarget.Environment => $"environment {TargetName}",
        GuardTarget.TrustDomain => $"trust domain {TargetName}",
        GuardTarget.Vnf => $"VNF {TargetName}",
        GuardTarget.Policy => "the approval policy",
        GuardTarget.AccountRoles => $"the roles of {TargetName}",
        GuardTarget.SecondFactor => $"the second factor of {TargetName}",
        _ => TargetName,
    };

    public static GuardChange For(ChangeEnvironment command, string name, GuardVerdict verdict) =>
        new(GuardTarget.Environment, command.EnvironmentId, name, command.ExpectedVersion, verdict.Differences) { Environment = command };

    public static GuardChange For(ChangeTrustDomain command, string name, GuardVerdict verdict) =>
        new(GuardTarget.TrustDomain, command.TrustDomainId, name, command.ExpectedVersion, verdict.Differences) { TrustDomain = command };

    public static GuardChange For(ChangeVnf command, string name, GuardVerdict verdict) =>
        new(GuardTarget.Vnf, command.VnfId, name, command.ExpectedVersion, verdict.Differences) { Vnf = command };

    public static GuardChange For(Accounts.ChangeAccountRoles command, Accounts.UserAccount account, GuardVerdict verdict) =>
        new(GuardTarget.AccountRoles, account.Id, account.UserName, account.Version, verdict.Differences) { AccountRoles = command };

    public static GuardChange For(Accounts.ResettingSecondFactor.ResetSecondFactor command, Accounts.SecondFactor factor, GuardVerdict verdict) =>
        new(GuardTarget.SecondFactor, factor.Id, factor.UserName, factor.Version, verdict.Differences) { SecondFactorReset = command };

    public static GuardChange For(RevisePolicy command, GuardVerdict verdict) =>
        new(GuardTarget.Policy, ApprovalPolicy.StreamId, "Approval policy", command.ExpectedRevision, verdict.Differences) { Policy = command };
}
