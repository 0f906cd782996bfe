using Console.Workflows.Audit.Access;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using JasperFx.Events;

namespace Console.Workflows.Attestation.Enrolling;

/// <summary>
/// An enrolment command with the person who gave it: it acts on the environment's attestation stream, and a lost race
/// there (a quote recorded, another officer's decision) is a conflict the person resolves by reloading.
/// </summary>
public abstract record EnrolmentCommandBy(Guid EnvironmentId, Actor Actor) : ICommandBy
{
    public string Resource => AccessResources.Environment(EnvironmentId);

    public string ConflictMessage => EnrolmentGuards.ConflictMessage;
}

/// <summary>The checks every enrolment decision starts with: the role, the environment, the version the person saw.</summary>
public static class EnrolmentGuards
{
    public const string ConflictMessage =
        "Someone else acted on this environment's attestation since you opened it (a decision, or a quote recorded). Reload it and act again.";

    /// <param name="currentVersion">The version of the environment's stream (inventory and attestation events share it).</param>
    public static Refusal? Check(ConsoleCommand command, Actor actor, bool environmentExists, int expectedVersion, int currentVersion)
    {
        if (CommandRoles.Check(command, actor) is { } forbidden)
            return forbidden;
        if (!environmentExists)
            return InventoryGuards.NotFound("environment");
        return expectedVersion == currentVersion ? null : Refusal.Because(ConflictMessage, RefusalKind.Conflict);
    }

    public static int VersionOf(IEventStream<AttestationSubject> stream) => (int)(stream?.CurrentVersion ?? 0);

    public static Refusal? Reason(string? reason, string what) =>
        string.IsNullOrWhiteSpace(reason)
            ? Refusal.ForFields(new Dictionary<string, string[]> { [EnrolmentInput.ReasonField] = [$"Say why you {what}."] })
            : null;
}

public sealed record ProposeEnrolmentBy(ProposeEnrolment Command, Actor Actor) : EnrolmentCommandBy(Command.EnvironmentId, Actor);

public sealed record ApproveEnrolmentBy(ApproveEnrolment Command, Actor Actor) : EnrolmentCommandBy(Command.EnvironmentId, Actor);

public sealed record RejectEnrolmentBy(RejectEnrolment Command, Actor Actor) : EnrolmentCommandBy(Command.EnvironmentId, Actor);

public sealed record RevokeAttestationKeyBy(RevokeAttestationKey Command, Actor Actor) : EnrolmentCommandBy(Command.EnvironmentId, Actor);
