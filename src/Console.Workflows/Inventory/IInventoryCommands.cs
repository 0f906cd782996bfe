using Console.Workflows.Common;
using Console.Workflows.Inventory.ChangingEnvironment;
using Console.Workflows.Inventory.ChangingTrustDomain;
using Console.Workflows.Inventory.ChangingVnf;
using Console.Workflows.Inventory.RegisteringEnvironment;
using Console.Workflows.Inventory.RegisteringTrustDomain;
using Console.Workflows.Inventory.RegisteringVnf;

namespace Console.Workflows.Inventory;

/// <summary>
/// Write side of the inventory. Each method decides, appends the events and saves; bad input, missing rights and
/// stale versions come back as <see cref="Outcome.Refusal"/>, never as exceptions. The outcome's id is the item's id.
/// </summary>
public interface IInventoryCommands
{
    Task<Outcome> RegisterTrustDomainAsync(RegisterTrustDomain command, Actor actor, CancellationToken ct = default);

    Task<Outcome> ChangeTrustDomainAsync(ChangeTrustDomain command, Actor actor, CancellationToken ct = default);

    Task<Outcome> RegisterEnvironmentAsync(RegisterEnvironment command, Actor actor, CancellationToken ct = default);

    Task<Outcome> ChangeEnvironmentAsync(ChangeEnvironment command, Actor actor, CancellationToken ct = default);

    Task<Outcome> RegisterVnfAsync(RegisterVnf command, Actor actor, CancellationToken ct = default);

    Task<Outcome> ChangeVnfAsync(ChangeVnf command, Actor actor, CancellationToken ct = default);
}
