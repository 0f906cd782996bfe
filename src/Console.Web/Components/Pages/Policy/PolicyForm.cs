using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;

namespace Console.Web.Components.Pages.Policy;

/// <summary>The policy editor's mutable copy of a <see cref="PolicyDocument"/>; turned back into one on save.</summary>
public sealed class PolicyForm
{
    public List<RuleForm> Sensitivities { get; init; } = [];

    public List<GroupForm> CrossDomainApprovals { get; init; } = [];

    public DurationForm PendingRequestTimeout { get; init; } = new();

    public bool KeepLastGoodSnapshot { get; set; }

    public int MaxExecutionAttempts { get; set; } = PolicyRules.MaxExecutionAttemptsDefault;

    public string Reason { get; set; } = "";

    public static PolicyForm From(PolicyDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        return new PolicyForm
        {
            Sensitivities = [.. document.Sensitivities.Select(r => new RuleForm
            {
                Sensitivity = r.Sensitivity,
                RequiredTrustLevel = r.RequiredTrustLevel,
                Approvals = [.. r.Approvals.Select(GroupForm.From)],
                MaxSnapshotAge = DurationForm.From(r.MaxSnapshotAge),
            })],
            CrossDomainApprovals = [.. document.CrossDomainApprovals.Select(GroupForm.From)],
            PendingRequestTimeout = DurationForm.From(document.PendingRequestTimeout),
            KeepLastGoodSnapshot = document.KeepLastGoodSnapshot,
            MaxExecutionAttempts = document.MaxExecutionAttempts,
        };
    }

    public PolicyDocument ToDocument() => new(
        [.. Sensitivities.Select(r => new SensitivityRule(
            r.Sensitivity, r.RequiredTrustLevel, [.. r.Approvals.Select(g => g.ToGroup())], r.MaxSnapshotAge.ToTimeSpan()))],
        [.. CrossDomainApprovals.Select(g => g.ToGroup())],
        PendingRequestTimeout.ToTimeSpan(),
        KeepLastGoodSnapshot) { MaxExecutionAttempts = MaxExecutionAttempts };
}

public sealed class RuleForm
{
    public Sensitivity Sensitivity { get; set; }

    public TrustLevel RequiredTrustLevel { get; set; }

    public List<GroupForm> Approvals { get; init; } = [];

    public DurationForm MaxSnapshotAge { get; init; } = new();
}

public sealed class GroupForm
{
    public string Name { get; set; } = "";

    public ApproverSource Source { get; set; } = ApproverSource.Role;

    public string? Role { get; set; } = Roles.NocApprover;

    public int Required { get; set; } = 1;

    public static GroupForm From(ApproverGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return new() { Name = group.Name, Source = group.Source, Role = group.Role, Required = group.Required };
    }

    public ApproverGroup ToGroup() =>
        new(Name.Trim(), Source, Source == ApproverSource.Role ? Role : null, Required);
}

public enum DurationUnit
{
    Minutes,
    Hours,
    Days,
}

/// <summary>A duration as people enter it: a whole number of minutes, hours or days.</summary>
public sealed class DurationForm
{
    public int Value { get; set; }

    public DurationUnit Unit { get; set; } = DurationUnit.Days;

    public static DurationForm From(TimeSpan span) =>
        span.Ticks % TimeSpan.TicksPerDay == 0 ? new() { Value = (int)span.TotalDays, Unit = DurationUnit.Days }
        : span.Ticks % TimeSpan.TicksPerHour == 0 ? new() { Value = (int)span.TotalHours, Unit = DurationUnit.Hours }
        : new() { Value = (int)Math.Round(span.TotalMinutes), Unit = DurationUnit.Minutes };

    public TimeSpan ToTimeSpan() => Unit switch
    {
        DurationUnit.Days => TimeSpan.FromDays(Value),
        DurationUnit.Hours => TimeSpan.FromHours(Value),
        _ => TimeSpan.FromMinutes(Value),
    };
}
