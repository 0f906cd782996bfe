using Console.Workflows.Audit.Access;
using Console.Workflows.Common;
using Marten;

namespace Console.Workflows.Inventory.RegisteringEnvironment;

/// <summary>Register an execution environment (data centre, cluster, edge site or cloud region) VNFs can run in.</summary>
public sealed record RegisterEnvironment(
    string Name,
    EnvironmentKind Kind,
    string Location,
    TrustLevel TrustLevel,
    AttestationStatus AttestationStatus = AttestationStatus.Unknown,
    Guid? OperatorDomainId = null) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new RegisterEnvironmentBy(this, actor);
}

public static class RegisterEnvironmentDecider
{
    /// <param name="trustDomainIds">The trust domains that exist; an operating domain must be one of them.</param>
    public static Decision Decide(
        RegisterEnvironment command, Guid environmentId, bool nameTaken, Actor actor, DateTimeOffset now,
        IReadOnlySet<Guid>? trustDomainIds = null)
    {
        if (CommandRoles.Check(ConsoleCommand.RegisterEnvironment, actor) is { } forbidden)
            return forbidden;

        var name = Text.Clean(command.Name);
        var location = Text.Clean(command.Location);
        var errors = EnvironmentRules.Validate(
            name, command.Kind, location, command.TrustLevel, command.AttestationStatus, nameTaken)
            .OperatorDomain(command.OperatorDomainId, trustDomainIds);
        if (errors.Any)
            return errors.ToRefusal();

        var events = new List<object>
        {
            new EnvironmentRegistered(environmentId, name, command.Kind, location, command.TrustLevel, actor.UserId, now),
        };
        if (command.AttestationStatus != AttestationStatus.Unknown)
            events.Add(new EnvironmentAttestationRecorded(environmentId, command.AttestationStatus, actor.UserId, now));
        if (command.OperatorDomainId is { } operatorDomain)
            events.Add(new EnvironmentOperatorDomainAssigned(environmentId, operatorDomain, actor.UserId, now));
        return Decision.Emit(events);
    }
}

/// <summary>The command as the workflow carries it, with the administrator who gave it.</summary>
public sealed record RegisterEnvironmentBy(RegisterEnvironment Command, Actor Actor) : InventoryCommandBy(Actor, "environment", nameof(RegisterEnvironment.Name))
{
    public override string Resource => "environment";
}

public static class RegisterEnvironmentHandler
{
    public static async Task<Outcome> Handle(
        RegisterEnvironmentBy message, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (command, actor, now) = (message.Command, message.Actor, time.GetUtcNow());
        var id = Guid.NewGuid();
        var nameTaken = await InventoryLookups.EnvironmentNameTakenAsync(session, command.Name, id, ct);
        var trustDomains = await InventoryLookups.TrustDomainIdsAsync(session, ct);
        var decision = RegisterEnvironmentDecider.Decide(command, id, nameTaken, actor, now, trustDomains);
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);

        session.Events.StartStream<ExecutionEnvironment>(id, decision.Events);
        return Outcome.Done(id);
    }
}
