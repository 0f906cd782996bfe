using Console.Workflows.Common;
using Console.Workflows.Inventory;

namespace Console.Workflows.Attestation.Enrolling;

/// <summary>Revoke the environment's enrolled attestation key, with the reason: its quotes are refused from then on.</summary>
public sealed record RevokeAttestationKey(Guid EnvironmentId, string KeyId, int ExpectedVersion, string Reason) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new RevokeAttestationKeyBy(this, actor);
}

public static class RevokeAttestationKeyDecider
{
    public static Decision Decide(
        RevokeAttestationKey command, AttestationSubject? state, bool environmentExists, int currentVersion, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(actor);
        if (EnrolmentGuards.Check(ConsoleCommand.RevokeAttestationKey, actor, environmentExists, command.ExpectedVersion, currentVersion) is { } refused)
            return refused;
        if (state?.Enrolment is not { } enrolment || enrolment.Proposal.KeyId != command.KeyId)
            return Refusal.Because($"Key {command.KeyId} is not this environment's enrolled attestation key.", RefusalKind.NotFound);
        if (enrolment.Revoked is { } revoked)
            return Refusal.Because($"Key {command.KeyId} was already revoked by {revoked.RevokedBy} at {revoked.RevokedAt:u}.", RefusalKind.Conflict);
        if (EnrolmentGuards.Reason(command.Reason, "revoke this key") is { } noReason)
            return noReason;
        return Decision.Emit(new AttestationKeyRevoked(
            command.EnvironmentId, enrolment.Proposal.EnrolmentId, enrolment.Proposal.KeyId, Text.Clean(command.Reason), actor.UserId, now));
    }
}
