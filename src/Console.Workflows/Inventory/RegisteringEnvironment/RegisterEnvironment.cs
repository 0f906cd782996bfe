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
    Guid? OperatorDomainId = null);

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

internal static class RegisterEnvironmentHandler
{
    public static async Task<Outcome> Handle(
        IDocumentSession session, TimeProvider time, RegisterEnvironment command, Actor actor, CancellationToken ct)
    {
        var id = Guid.NewGuid();
        var nameTaken = await InventoryLookups.EnvironmentNameTakenAsync(session, command.Name, id, ct);
        var trustDomains = await InventoryLookups.TrustDomainIdsAsync(session, ct);
        var decision = RegisterEnvironmentDecider.Decide(command, id, nameTaken, actor, time.GetUtcNow(), trustDomains);
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);

        session.Events.StartStream<ExecutionEnvironment>(id, decision.Events);
        return await InventorySaving.SaveAsync(session, id, nameof(RegisterEnvironment.Name), "environment", ct);
    }
}
