using Console.Workflows.Audit.Access;
using Console.Workflows.Common;
using Marten;

namespace Console.Workflows.Inventory.RegisteringTrustDomain;

/// <summary>Register a trust domain: a group of components one team is accountable for.</summary>
public sealed record RegisterTrustDomain(string Name, string OwnerGroup, string Description = "") : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new RegisterTrustDomainBy(this, actor);
}

public static class RegisterTrustDomainDecider
{
    /// <param name="trustDomainId">The new stream's id, chosen by the caller.</param>
    /// <param name="nameTaken">Whether another trust domain already has this name (looked up by the handler).</param>
    public static Decision Decide(RegisterTrustDomain command, Guid trustDomainId, bool nameTaken, Actor actor, DateTimeOffset now)
    {
        if (CommandRoles.Check(ConsoleCommand.RegisterTrustDomain, actor) is { } forbidden)
            return forbidden;

        var (name, ownerGroup, description) = TrustDomainRules.Clean(command.Name, command.OwnerGroup, command.Description);
        var errors = TrustDomainRules.Validate(name, ownerGroup, description, nameTaken);
        if (errors.Any)
            return errors.ToRefusal();

        return Decision.Emit(new TrustDomainRegistered(trustDomainId, name, ownerGroup, description, actor.UserId, now));
    }
}

/// <summary>The command as the workflow carries it, with the administrator who gave it.</summary>
public sealed record RegisterTrustDomainBy(RegisterTrustDomain Command, Actor Actor) : InventoryCommandBy(Actor, "trust domain", nameof(RegisterTrustDomain.Name))
{
    public override string Resource => "trust-domain";
}

public static class RegisterTrustDomainHandler
{
    public static async Task<Outcome> Handle(
        RegisterTrustDomainBy message, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (command, actor, now) = (message.Command, message.Actor, time.GetUtcNow());
        var id = Guid.NewGuid();
        var nameTaken = await InventoryLookups.TrustDomainNameTakenAsync(session, command.Name, id, ct);
        var decision = RegisterTrustDomainDecider.Decide(command, id, nameTaken, actor, now);
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);

        session.Events.StartStream<TrustDomain>(id, decision.Events);
        return Outcome.Done(id);
    }
}
