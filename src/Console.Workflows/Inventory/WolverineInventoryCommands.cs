using Console.Workflows.Common;
using Console.Workflows.Inventory.ChangingEnvironment;
using Console.Workflows.Inventory.ChangingTrustDomain;
using Console.Workflows.Inventory.ChangingVnf;
using Console.Workflows.Inventory.RegisteringEnvironment;
using Console.Workflows.Inventory.RegisteringTrustDomain;
using Console.Workflows.Inventory.RegisteringVnf;

namespace Console.Workflows.Inventory;

/// <summary>
/// <see cref="IInventoryCommands"/> on the workflow: each command goes with its person through the
/// <see cref="CommandBus"/>. A change that weakens protection is submitted for approval in the same transaction.
/// </summary>
public sealed class WolverineInventoryCommands(CommandBus commands) : IInventoryCommands
{
    public Task<Outcome> RegisterTrustDomainAsync(RegisterTrustDomain command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new RegisterTrustDomainBy(command, actor), ct);

    public Task<Outcome> ChangeTrustDomainAsync(ChangeTrustDomain command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new ChangeTrustDomainBy(command, actor), ct);

    public Task<Outcome> RegisterEnvironmentAsync(RegisterEnvironment command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new RegisterEnvironmentBy(command, actor), ct);

    public Task<Outcome> ChangeEnvironmentAsync(ChangeEnvironment command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new ChangeEnvironmentBy(command, actor), ct);

    public Task<Outcome> RegisterVnfAsync(RegisterVnf command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new RegisterVnfBy(command, actor), ct);

    public Task<Outcome> ChangeVnfAsync(ChangeVnf command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new ChangeVnfBy(command, actor), ct);
}
