using Wolverine;
using Console.Workflows.Audit.Access;
using Console.Workflows.Common;
using Console.Workflows.Guards;
using Console.Workflows.Guards.Classifying;
using Console.Workflows.Guards.Submitting;
using Marten;

namespace Console.Workflows.Inventory.ChangingTrustDomain;

/// <summary>
/// Rename a trust domain or hand it to another owner group; another owner group weakens protection
/// (<see cref="GuardClassifier.TrustDomain"/>) and is submitted for approval instead.
/// </summary>
public sealed record ChangeTrustDomain(Guid TrustDomainId, int ExpectedVersion, string Name, string OwnerGroup, string Description = "") : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new ChangeTrustDomainBy(this, actor);
}

public static class ChangeTrustDomainDecider
{
    public static Decision Decide(ChangeTrustDomain command, TrustDomain? state, bool nameTaken, Actor actor, DateTimeOffset now)
    {
        if (CommandRoles.Check(ConsoleCommand.ChangeTrustDomain, actor) is { } forbidden)
            return forbidden;
        if (state is null)
            return InventoryGuards.NotFound("trust domain");
        if (InventoryGuards.IsCurrent(command.ExpectedVersion, state.Version, "trust domain") is { } conflict)
            return conflict;

        var (name, ownerGroup, description) = TrustDomainRules.Clean(command.Name, command.OwnerGroup, command.Description);
        var errors = TrustDomainRules.Validate(name, ownerGroup, description, nameTaken);
        if (errors.Any)
            return errors.ToRefusal();

        if (name == state.Name && ownerGroup == state.OwnerGroup && description == state.Description)
            return Decision.Emit();

        return Decision.Emit(new TrustDomainChanged(state.Id, name, ownerGroup, description, actor.UserId, now));
    }
}

/// <summary>The command as the workflow carries it, with the administrator who gave it.</summary>
public sealed record ChangeTrustDomainBy(ChangeTrustDomain Command, Actor Actor) : InventoryCommandBy(Actor, "trust domain", nameof(ChangeTrustDomain.Name))
{
    public override string Resource => AccessResources.TrustDomain(Command.TrustDomainId);
}

public static class ChangeTrustDomainHandler
{
    public static async Task<Outcome> Handle(
        ChangeTrustDomainBy message, IDocumentSession session, IMessageContext bus, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (command, actor, now) = (message.Command, message.Actor, time.GetUtcNow());
        var stream = await session.Events.FetchForWriting<TrustDomain>(command.TrustDomainId, ct);
        var nameTaken = await InventoryLookups.TrustDomainNameTakenAsync(session, command.Name, command.TrustDomainId, ct);
        var decision = ChangeTrustDomainDecider.Decide(command, stream.Aggregate, nameTaken, actor, now);
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);

        var verdict = GuardClassifier.TrustDomain(stream.Aggregate!, decision.Events);
        if (verdict.Weakens)
            return await GuardGate.SubmitAsync(
                session, bus, GuardChange.For(command, stream.Aggregate!.Name, verdict), command.TrustDomainId, actor, now, ct);

        stream.AppendMany(decision.Events);
        return Outcome.Done(command.TrustDomainId);
    }
}
