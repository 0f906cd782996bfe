using Wolverine;
using Console.Workflows.Audit.Access;
using Console.Workflows.Common;
using Console.Workflows.Guards;
using Console.Workflows.Guards.Classifying;
using Console.Workflows.Guards.Submitting;
using Marten;

namespace Console.Workflows.Inventory.ChangingVnf;

/// <summary>
/// Change a VNF's details, the environment it runs in and its full component list: rows with a known id are edited,
/// rows without an id are added, and current components missing from the list are removed. A change that weakens
/// protection (<see cref="GuardClassifier.Vnf"/>) is submitted for approval instead.
/// </summary>
public sealed record ChangeVnf(
    Guid VnfId,
    int ExpectedVersion,
    string Name,
    VnfType Type,
    string Vendor,
    string SoftwareVersion,
    Guid EnvironmentId,
    IReadOnlyList<ComponentDraft> Components) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new ChangeVnfBy(this, actor);

    /// <summary>A command that changes nothing yet, for an edit form to start from.</summary>
    public static ChangeVnf From(Vnf vnf) => new(
        vnf.Id, vnf.Version, vnf.Name, vnf.Type, vnf.Vendor, vnf.SoftwareVersion, vnf.EnvironmentId,
        [.. vnf.Components.Select(c => new ComponentDraft(c.Id, c.Name, c.Sensitivity, c.TrustDomainId))]);
}

public static class ChangeVnfDecider
{
    public const string CorrectionReason = "Inventory correction";

    public static Decision Decide(ChangeVnf command, Vnf? state, VnfReferences references, Actor actor, DateTimeOffset now)
    {
        if (CommandRoles.Check(ConsoleCommand.ChangeVnf, actor) is { } forbidden)
            return forbidden;
        if (state is null)
            return InventoryGuards.NotFound("VNF");
        if (InventoryGuards.IsCurrent(command.ExpectedVersion, state.Version, "VNF") is { } conflict)
            return conflict;

        var (wanted, errors) = VnfRules.Validate(
            command.Name, command.Type, command.Vendor, command.SoftwareVersion, command.EnvironmentId, command.Components, references);
        if (errors.Any)
            return errors.ToRefusal();

        var id = state.Id;
        var by = actor.UserId;
        var events = new List<object>();
        if (wanted.Name != state.Name || wanted.Type != state.Type || wanted.Vendor != state.Vendor
            || wanted.SoftwareVersion != state.SoftwareVersion)
            events.Add(new VnfDetailsChanged(id, wanted.Name, wanted.Type, wanted.Vendor, wanted.SoftwareVersion, by, now));

        var wantedById = wanted.Components.ToDictionary(c => c.Id);
        var currentById = state.Components.ToDictionary(c => c.Id);
        // Removals first, so a name freed by a removed component can be taken by an added one within one change.
        events.AddRange(state.Components
            .Where(c => !wantedById.ContainsKey(c.Id))
            .Select(c => new VnfComponentRemoved(id, c.Id, c.Name, by, now)));
        events.AddRange(wanted.Components
            .Where(c => currentById.TryGetValue(c.Id, out var current) && current != c)
            .Select(c => new VnfComponentChanged(id, c.Id, c.Name, c.Sensitivity, c.TrustDomainId, by, now)));
        events.AddRange(wanted.Components
            .Where(c => !currentById.ContainsKey(c.Id))
            .Select(c => new VnfComponentAdded(id, c.Id, c.Name, c.Sensitivity, c.TrustDomainId, by, now)));

        if (wanted.EnvironmentId != state.EnvironmentId)
            events.Add(new VnfMoved(id, state.EnvironmentId, wanted.EnvironmentId, CorrectionReason, by, now));

        return Decision.Emit(events);
    }
}

/// <summary>The command as the workflow carries it, with the administrator who gave it.</summary>
public sealed record ChangeVnfBy(ChangeVnf Command, Actor Actor) : InventoryCommandBy(Actor, "VNF", nameof(ChangeVnf.Name))
{
    public override string Resource => AccessResources.Vnf(Command.VnfId);
}

public static class ChangeVnfHandler
{
    public static async Task<Outcome> Handle(
        ChangeVnfBy message, IDocumentSession session, IMessageContext bus, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var (command, actor, now) = (message.Command, message.Actor, time.GetUtcNow());
        command = command with { Components = VnfRules.WithIds(command.Components, Guid.NewGuid) };
        var stream = await session.Events.FetchForWriting<Vnf>(command.VnfId, ct);
        var references = new VnfReferences(
            await InventoryLookups.VnfNameTakenAsync(session, command.Name, command.VnfId, ct),
            await InventoryLookups.EnvironmentIdsAsync(session, ct),
            await InventoryLookups.TrustDomainIdsAsync(session, ct));
        var decision = ChangeVnfDecider.Decide(command, stream.Aggregate, references, actor, now);
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);

        if (decision.Events.Count > 0)
        {
            var names = await InventoryLookups.EnvironmentAndTrustDomainNamesAsync(session, ct);
            var verdict = GuardClassifier.Vnf(stream.Aggregate!, decision.Events, id => names.GetValueOrDefault(id, id.ToString()));
            if (verdict.Weakens)
                return await GuardGate.SubmitAsync(
                    session, bus, GuardChange.For(command, stream.Aggregate!.Name, verdict), command.VnfId, actor, now, ct);
        }

        stream.AppendMany(decision.Events);
        return Outcome.Done(command.VnfId);
    }
}
