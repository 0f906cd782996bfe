using Console.Workflows.Audit.Access;
using Console.Workflows.Common;
using Marten;

namespace Console.Workflows.Inventory.RegisteringVnf;

/// <summary>Register a VNF running in an environment, with its components.</summary>
public sealed record RegisterVnf(
    string Name,
    VnfType Type,
    string Vendor,
    string SoftwareVersion,
    Guid EnvironmentId,
    IReadOnlyList<ComponentDraft> Components) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new RegisterVnfBy(this, actor);
}

public static class RegisterVnfDecider
{
    /// <param name="vnfId">The new stream's id, chosen by the caller; components carry their ids in the command.</param>
    public static Decision Decide(RegisterVnf command, Guid vnfId, VnfReferences references, Actor actor, DateTimeOffset now)
    {
        if (CommandRoles.Check(ConsoleCommand.RegisterVnf, actor) is { } forbidden)
            return forbidden;

        var (vnf, errors) = VnfRules.Validate(
            command.Name, command.Type, command.Vendor, command.SoftwareVersion, command.EnvironmentId, command.Components, references);
        if (errors.Any)
            return errors.ToRefusal();

        var by = actor.UserId;
        return Decision.Emit([
            new VnfRegistered(vnfId, vnf.Name, vnf.Type, vnf.Vendor, vnf.SoftwareVersion, vnf.EnvironmentId, by, now),
            .. vnf.Components.Select(c => new VnfComponentAdded(vnfId, c.Id, c.Name, c.Sensitivity, c.TrustDomainId, by, now)),
        ]);
    }
}

/// <summary>The command as the workflow carries it, with the administrator who gave it.</summary>
public sealed record RegisterVnfBy(RegisterVnf Command, Actor Actor) : InventoryCommandBy(Actor, "VNF", nameof(RegisterVnf.Name))
{
    public override string Resource => "vnf/" + AccessResources.Environment(Command.EnvironmentId);
}

public static class RegisterVnfHandler
{
    public static async Task<Outcome> Handle(
        RegisterVnfBy message, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (command, actor, now) = (message.Command, message.Actor, time.GetUtcNow());
        var id = Guid.NewGuid();
        command = command with { Components = VnfRules.WithIds(command.Components, Guid.NewGuid) };
        var references = new VnfReferences(
            await InventoryLookups.VnfNameTakenAsync(session, command.Name, id, ct),
            await InventoryLookups.EnvironmentIdsAsync(session, ct),
            await InventoryLookups.TrustDomainIdsAsync(session, ct));
        var decision = RegisterVnfDecider.Decide(command, id, references, actor, now);
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);

        session.Events.StartStream<Vnf>(id, decision.Events);
        return Outcome.Done(id);
    }
}
