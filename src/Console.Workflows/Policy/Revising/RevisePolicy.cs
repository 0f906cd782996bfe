using Console.Workflows.Common;

namespace Console.Workflows.Policy.Revising;

/// <summary>Administrators revise the policy; requests already submitted keep the requirement they were given.</summary>
public static class RevisePolicyDecider
{
    public const int ReasonMaxLength = 500;

    public static Decision Decide(RevisePolicy command, ApprovalPolicy? current, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(ConsoleCommand.RevisePolicy, actor) is { } forbidden)
            return forbidden;

        var currentRevision = current?.Revision ?? 0;
        if (command.ExpectedRevision != currentRevision)
            return Refusal.Because(
                $"Someone else acted first: the policy is now at revision {currentRevision}, you edited revision {command.ExpectedRevision}. Reload it and apply your change again.",
                RefusalKind.Conflict);

        var errors = PolicyRules.Validate(command.Document).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        var reason = command.Reason?.Trim() ?? string.Empty;
        if (reason.Length == 0)
            errors[nameof(RevisePolicy.Reason)] = ["Say why the policy changes."];
        else if (reason.Length > ReasonMaxLength)
            errors[nameof(RevisePolicy.Reason)] = [$"The reason must be at most {ReasonMaxLength} characters."];
        if (errors.Count > 0)
            return Refusal.ForFields(errors);
        if (PolicyFloors.Check(command.Document!) is { } belowFloor)
            return belowFloor;

        return Decision.Emit(new PolicyRevised(
            current?.Id ?? ApprovalPolicy.StreamId, currentRevision + 1, Normalise(command.Document), reason, actor.UserId, now));
    }

    // Trimmed group names and rules ordered by sensitivity, so revisions read and compare the same.
    private static PolicyDocument Normalise(PolicyDocument d) =>
        d with
        {
            Sensitivities = [.. d.Sensitivities.OrderBy(r => r.Sensitivity)
                .Select(r => r with { Approvals = [.. r.Approvals.Select(Trim)] })],
            CrossDomainApprovals = [.. d.CrossDomainApprovals.Select(Trim)],
        };

    private static ApproverGroup Trim(ApproverGroup g) =>
        g with { Name = g.Name.Trim(), Role = g.Source == ApproverSource.Role ? g.Role : null };
}
