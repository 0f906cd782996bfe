using Console.Workflows.Common;

namespace Console.Workflows.Attestation.Enrolling;

public enum EnrolmentState
{
    NotEnrolled,
    Pending,
    Approved,
    Revoked,
}

/// <summary>
/// An environment's enrolment as the environment page shows it to one person: its state in words, what is enrolled or
/// proposed, the refused keys, the last quote, and which of the enrolment commands this person may issue now.
/// </summary>
public sealed record EnrolmentView(
    Guid EnvironmentId,
    int Version,
    EnrolmentState State,
    string Summary,
    ApprovedEnrolment? Enrolled,
    EnrolmentProposed? Pending,
    IReadOnlyList<RefusedKey> RefusedKeys,
    EvidenceVerified? LastQuote,
    bool MayPropose,
    bool MayDecide,
    bool MayRevoke,
    string? WhyNotDecide)
{
    public static EnrolmentView For(EnrolmentRecord record, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(actor);
        var subject = record.Subject;
        var pending = subject?.PendingEnrolment;
        var enrolled = subject?.Enrolment;
        var (state, summary) = (pending, enrolled) switch
        {
            ({ } p, _) => (EnrolmentState.Pending,
                $"Key {p.KeyId} proposed by {p.ProposedBy} at {p.ProposedAt:u}; awaits a security officer's approval. Nothing runs here until then{(enrolled is { IsRevoked: false } ? " (the enrolled key still counts)" : "")}."),
            (null, { Revoked: { } r }) => (EnrolmentState.Revoked,
                $"Key {r.KeyId} revoked by {r.RevokedBy} at {r.RevokedAt:u}: {r.Reason} Propose a new key; nothing runs here until one is approved."),
            (null, { } e) => (EnrolmentState.Approved,
                $"Key {e.Proposal.KeyId} proposed by {e.Proposal.ProposedBy}, approved by {e.ApprovedBy} at {e.ApprovedAt:u}."),
            _ => (EnrolmentState.NotEnrolled,
                "No attestation key is enrolled: propose one with its reference values; nothing runs here until a security officer approves it."),
        };
        var mayDecide = pending is not null && CommandRoles.Allows(ConsoleCommand.ApproveEnrolment, actor)
            && !string.Equals(pending.ProposedBy, actor.UserId, StringComparison.Ordinal);
        var whyNot = pending is not null && CommandRoles.Allows(ConsoleCommand.ApproveEnrolment, actor) && !mayDecide
            ? "You proposed this enrolment; another security officer approves or rejects it."
            : null;
        return new EnrolmentView(
            record.EnvironmentId, record.Version, state, summary, enrolled, pending, subject?.RefusedKeys ?? [], subject?.LastVerification,
            pending is null && CommandRoles.Allows(ConsoleCommand.ProposeEnrolment, actor),
            mayDecide,
            enrolled is { IsRevoked: false } && CommandRoles.Allows(ConsoleCommand.RevokeAttestationKey, actor),
            whyNot);
    }
}
