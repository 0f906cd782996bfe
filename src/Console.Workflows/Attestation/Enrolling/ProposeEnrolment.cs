using Console.Workflows.Common;
using Console.Workflows.Inventory;

namespace Console.Workflows.Attestation.Enrolling;

/// <summary>
/// Propose an environment's attestation key (with its TPM's endorsement key) and reference values for enrolment.
/// Nothing is trusted until a security officer other than the proposer approves it.
/// </summary>
public sealed record ProposeEnrolment(
    Guid EnvironmentId, int ExpectedVersion, string AkPublicKeyPem, string EkPem, IReadOnlyList<ReferenceValueInput> ReferenceValues, string Reason) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new ProposeEnrolmentBy(this, actor);
}

public static class ProposeEnrolmentDecider
{
    public static Decision Decide(
        ProposeEnrolment command, AttestationSubject? state, bool environmentExists, int currentVersion, Guid enrolmentId, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(actor);
        if (EnrolmentGuards.Check(ConsoleCommand.ProposeEnrolment, actor, environmentExists, command.ExpectedVersion, currentVersion) is { } refused)
            return refused;
        if (state?.PendingEnrolment is { } pending)
            return Refusal.Because(
                $"An enrolment proposed by {pending.ProposedBy} at {pending.ProposedAt:u} awaits a security officer's decision; approve or reject it first.",
                RefusalKind.Conflict);
        var (material, invalid) = EnrolmentInput.Check(command.AkPublicKeyPem, command.EkPem, command.ReferenceValues, command.Reason);
        if (invalid is not null)
            return invalid;
        if (state?.RefusedKeys.FirstOrDefault(k => k.KeyId == material!.KeyId && k.Revoked) is { } revoked)
            return Refusal.ForFields(new Dictionary<string, string[]>
            {
                [EnrolmentInput.AkField] = [$"Key {revoked.KeyId} was revoked by {revoked.By} at {revoked.At:u} ({revoked.Reason}); a revoked key is never enrolled again."],
            });
        if (state?.Enrolment is { IsRevoked: false } current && current.Proposal.KeyId == material!.KeyId
            && current.Proposal.ReferenceValues.SequenceEqual(material.ReferenceValues))
            return Refusal.Because($"Key {current.Proposal.KeyId} is already enrolled with these reference values.", RefusalKind.Conflict);

        return Decision.Emit(new EnrolmentProposed(
            command.EnvironmentId, enrolmentId, material!.KeyId, material.PublicKey, material.EkKeyId, material.Endorsement,
            material.EndorsementIsCertificate, material.ReferenceValues, Text.Clean(command.Reason), actor.UserId, now));
    }
}
