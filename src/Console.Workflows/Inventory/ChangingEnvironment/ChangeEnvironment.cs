using Wolverine;
using Console.Workflows.Audit.Access;
using Console.Workflows.Common;
using Console.Workflows.Guards;
using Console.Workflows.Guards.Classifying;
using Console.Workflows.Guards.Submitting;
using Marten;

namespace Console.Workflows.Inventory.ChangingEnvironment;

/// <summary>
/// Change an environment's description, trust level or attestation status. A lower trust level is accepted: the
/// inventory records what is, and the detail pages show components whose placement no longer holds. A change that
/// weakens protection (<see cref="GuardClassifier.Environment"/>) is submitted for approval instead.
/// </summary>
public sealed record ChangeEnvironment(
    Guid EnvironmentId,
    int ExpectedVersion,
    string Name,
    EnvironmentKind Kind,
    string Location,
    TrustLevel TrustLevel,
    AttestationStatus AttestationStatus,
    Guid? OperatorDomainId = null) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new ChangeEnvironmentBy(this, actor);
}

public static class ChangeEnvironmentDecider
{
    /// <param name="trustDomainIds">The trust domains that exist; an operating domain must be one of them.</param>
    public static Decision Decide(
        ChangeEnvironment command, ExecutionEnvironment? state, bool nameTaken, Actor actor, DateTimeOffset now,
        IReadOnlySet<Guid>? trustDomainIds = null)
    {
        if (CommandRoles.Check(ConsoleCommand.ChangeEnvironment, actor) is { } forbidden)
            return forbidden;
        if (state is null)
            return InventoryGuards.NotFound("environment");
        if (InventoryGuards.IsCurrent(command.ExpectedVersion, state.Version, "environment") is { } conflict)
            return conflict;

        var name = Text.Clean(command.Name);
        var location = Text.Clean(command.Location);
        var errors = EnvironmentRules.Validate(
            name, command.Kind, location, command.TrustLevel, command.AttestationStatus, nameTaken)
            .OperatorDomain(command.OperatorDomainId, trustDomainIds);
        if (errors.Any)
            return errors.ToRefusal();

        var events = new List<object>();
        if (name != state.Name || command.Kind != state.Kind || location != state.Location || command.TrustLevel != state.TrustLevel)
            events.Add(new EnvironmentChanged(state.Id, name, command.Kind, location, command.TrustLevel, actor.UserId, now));
        if (command.AttestationStatus != state.AttestationStatus)
            events.Add(new EnvironmentAttestationRecorded(state.Id, command.AttestationStatus, actor.UserId, now));
        // Leaving the operating domain empty keeps the current one: an environment is not un-assigned by omission.
        if (command.OperatorDomainId is { } operatorDomain && operatorDomain != state.OperatorDomainId)
            events.Add(new EnvironmentOperatorDomainAssigned(state.Id, operatorDomain, actor.UserId, now));
        return Decision.Emit(events);
    }
}

/// <summary>The command as the workflow carries it, with the administrator who gave it.</summary>
public sealed record ChangeEnvironmentBy(ChangeEnvironment Command, Actor Actor) : InventoryCommandBy(Actor, "environment", nameof(ChangeEnvironment.Name))
{
    public override string Resource => AccessResources.Environment(Command.EnvironmentId);
}

public static class ChangeEnvironmentHandler
{
    public static async Task<Outcome> Handle(
        ChangeEnvironmentBy message, IDocumentSession session, IMessageContext bus, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (command, actor, now) = (message.Command, message.Actor, time.GetUtcNow());
        var stream = await session.Events.FetchForWriting<ExecutionEnvironment>(command.EnvironmentId, ct);
        var nameTaken = await InventoryLookups.EnvironmentNameTakenAsync(session, command.Name, command.EnvironmentId, ct);
        var trustDomains = await InventoryLookups.TrustDomainIdsAsync(session, ct);
        var decision = ChangeEnvironmentDecider.Decide(command, stream.Aggregate, nameTaken, actor, now, trustDomains);
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);

        if (decision.Events.Count > 0)
        {
            var domains = await InventoryLookups.TrustDomainNamesAsync(session, ct);
            var verdict = GuardClassifier.Environment(stream.Aggregate!, decision.Events, id => domains.GetValueOrDefault(id, id.ToString()));
            if (verdict.Weakens)
                return await GuardGate.SubmitAsync(
                    session, bus, GuardChange.For(command, stream.Aggregate!.Name, verdict), command.EnvironmentId, actor, now, ct);
        }

        stream.AppendMany(decision.Events);
        return Outcome.Done(command.EnvironmentId);
    }
}
