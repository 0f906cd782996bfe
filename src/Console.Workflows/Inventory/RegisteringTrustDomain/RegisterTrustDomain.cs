using Console.Workflows.Common;
using Marten;

namespace Console.Workflows.Inventory.RegisteringTrustDomain;

/// <summary>Register a trust domain: a group of components one team is accountable for.</summary>
public sealed record RegisterTrustDomain(string Name, string OwnerGroup, string Description = "");

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

internal static class RegisterTrustDomainHandler
{
    public static async Task<Outcome> Handle(
        IDocumentSession session, TimeProvider time, RegisterTrustDomain command, Actor actor, CancellationToken ct)
    {
        var id = Guid.NewGuid();
        var nameTaken = await InventoryLookups.TrustDomainNameTakenAsync(session, command.Name, id, ct);
        var decision = RegisterTrustDomainDecider.Decide(command, id, nameTaken, actor, time.GetUtcNow());
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);

        session.Events.StartStream<TrustDomain>(id, decision.Events);
        return await InventorySaving.SaveAsync(session, id, nameof(RegisterTrustDomain.Name), "trust domain", ct);
    }
}
