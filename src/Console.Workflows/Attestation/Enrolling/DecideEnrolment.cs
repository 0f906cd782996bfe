using Console.Workflows.Common;
using Console.Workflows.Inventory;

namespace Console.Workflows.Attestation.Enrolling;

/// <summary>Approve the pending enrolment: a security officer who did not propose it.</summary>
public sealed record ApproveEnrolment(Guid EnvironmentId, Guid EnrolmentId, int ExpectedVersion) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new ApproveEnrolmentBy(this, actor);
}

/// <summary>Reject the pending enrolment, with the reason.</summary>
public sealed record RejectEnrolment(Guid EnvironmentId, Guid EnrolmentId, int ExpectedVersion, string Reason) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new RejectEnrolmentBy(this, actor);
}

public static class DecideEnrolmentDecider
{
    public static Decision Approve(
        ApproveEnrolment command, AttestationSubject? state, bool environmentExists, int currentVersion, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(actor);
        if (EnrolmentGuards.Check(ConsoleCommand.ApproveEnrolment, actor, environmentExists, command.ExpectedVersion, currentVersion) is { } refused)
            return refused;
        if (Pending(state, command.EnrolmentId) is not { } pending)
            return NoSuchProposal;
        if (string.Equals(pending.ProposedBy, actor.UserId, StringComparison.Ordinal))
            return Refusal.Because(
                "You proposed this enrolment; another security officer must approve it (four eyes on every trust anchor).", RefusalKind.Forbidden);
        return Decision.Emit(new EnrolmentApproved(command.EnvironmentId, pending.EnrolmentId, pending.KeyId, actor.UserId, now));
    }

    public static Decision Reject(
        RejectEnrolment command, AttestationSubject? state, bool environmentExists, int currentVersion, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(actor);
        if (EnrolmentGuards.Check(ConsoleCommand.RejectEnrolment, actor, environmentExists, command.ExpectedVersion, currentVersion) is { } refused)
            return refused;
        if (Pending(state, command.EnrolmentId) is not { } pending)
            return NoSuchProposal;
        if (EnrolmentGuards.Reason(command.Reason, "reject this enrolment") is { } noReason)
            return noReason;
        return Decision.Emit(new EnrolmentRejected(command.EnvironmentId, pending.EnrolmentId, pending.KeyId, Text.Clean(command.Reason), actor.UserId, now));
    }

    private static readonly Refusal NoSuchProposal =
        Refusal.Because("This enrolment is no longer pending: it was approved or rejected meanwhile. Reload the environment.", RefusalKind.Conflict);

    private static EnrolmentProposed? Pending(AttestationSubject? state, Guid enrolmentId) =>
        state?.PendingEnrolment is { } pending && pending.EnrolmentId == enrolmentId ? pending : null;
}
