using Console.Workflows.Common;
using Console.Workflows.Guards.Submitting;
using Console.Workflows.Inventory.ChangingEnvironment;
using Console.Workflows.Inventory.ChangingTrustDomain;
using Console.Workflows.Inventory.ChangingVnf;
using Console.Workflows.Inventory.RegisteringEnvironment;
using Console.Workflows.Inventory.RegisteringTrustDomain;
using Console.Workflows.Inventory.RegisteringVnf;
using Marten;

namespace Console.Workflows.Inventory;

/// <summary>
/// Runs the inventory handlers on the scoped Marten session; one command per session. Changes that weaken protection
/// go to <paramref name="guardChanges"/> for approval (without it, they are refused).
/// </summary>
public sealed class MartenInventoryCommands(IDocumentSession session, TimeProvider time, IGuardChangeRequests? guardChanges = null)
    : IInventoryCommands
{
    public Task<Outcome> RegisterTrustDomainAsync(RegisterTrustDomain command, Actor actor, CancellationToken ct = default) =>
        RegisterTrustDomainHandler.Handle(session, time, command, actor, ct);

    public Task<Outcome> ChangeTrustDomainAsync(ChangeTrustDomain command, Actor actor, CancellationToken ct = default) =>
        ChangeTrustDomainHandler.Handle(session, time, command, actor, ct, guardChanges);

    public Task<Outcome> RegisterEnvironmentAsync(RegisterEnvironment command, Actor actor, CancellationToken ct = default) =>
        RegisterEnvironmentHandler.Handle(session, time, command, actor, ct);

    public Task<Outcome> ChangeEnvironmentAsync(ChangeEnvironment command, Actor actor, CancellationToken ct = default) =>
        ChangeEnvironmentHandler.Handle(session, time, command, actor, ct, guardChanges);

    public Task<Outcome> RegisterVnfAsync(RegisterVnf command, Actor actor, CancellationToken ct = default) =>
        RegisterVnfHandler.Handle(session, time, command, actor, ct);

    public Task<Outcome> ChangeVnfAsync(ChangeVnf command, Actor actor, CancellationToken ct = default) =>
        ChangeVnfHandler.Handle(session, time, command, actor, ct, guardChanges);
}
