using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.ChangingEnvironment;
using Console.Workflows.Inventory.ChangingTrustDomain;
using Console.Workflows.Inventory.ChangingVnf;
using Console.Workflows.Inventory.RegisteringEnvironment;
using Console.Workflows.Inventory.RegisteringTrustDomain;
using Console.Workflows.Inventory.RegisteringVnf;

namespace Console.UnitTests.Web.Fakes;

/// <summary>
/// Applies the inventory commands <see cref="FakeCommandBus"/> hands it to an <see cref="InMemoryInventory"/> (with the version check the real one makes) and records them
/// with their actor. <see cref="RefuseNextWith"/> makes the next command come back refused and change nothing.
/// </summary>
public sealed class FakeInventoryCommands(InMemoryInventory inventory)
{
    private Refusal? _nextRefusal;

    public List<(object Command, Actor Actor)> Received { get; } = [];

    /// <summary>When set, the next command waits for it before answering, so tests can see the page while it saves.</summary>
    public TaskCompletionSource? Gate { get; set; }

    public void RefuseNextWith(Refusal refusal) => _nextRefusal = refusal;

    public Task<Outcome> RegisterTrustDomainAsync(RegisterTrustDomain command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, () =>
        {
            var domain = inventory.AddTrustDomain(command.Name, command.OwnerGroup, command.Description);
            return Outcome.Done(domain.Id);
        });

    public Task<Outcome> ChangeTrustDomainAsync(ChangeTrustDomain command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, () => Replace(
            inventory.TrustDomains, command.TrustDomainId, command.ExpectedVersion, d => d.Id, d => d.Version,
            d => d with { Name = command.Name, OwnerGroup = command.OwnerGroup, Description = command.Description, Version = d.Version + 1 }));

    public Task<Outcome> RegisterEnvironmentAsync(RegisterEnvironment command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, () =>
        {
            var environment = inventory.AddEnvironment(
                command.Name, command.TrustLevel, command.Kind, command.Location, command.AttestationStatus,
                operatorDomainId: command.OperatorDomainId);
            return Outcome.Done(environment.Id);
        });

    public Task<Outcome> ChangeEnvironmentAsync(ChangeEnvironment command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, () => Replace(
            inventory.Environments, command.EnvironmentId, command.ExpectedVersion, e => e.Id, e => e.Version,
            e => e with
            {
                Name = command.Name, Kind = command.Kind, Location = command.Location, TrustLevel = command.TrustLevel,
                AttestationStatus = command.AttestationStatus,
                OperatorDomainId = command.OperatorDomainId ?? e.OperatorDomainId, Version = e.Version + 1,
            }));

    public Task<Outcome> RegisterVnfAsync(RegisterVnf command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, () =>
        {
            var vnf = new Vnf(
                Guid.NewGuid(), command.Name, command.Type, command.Vendor, command.SoftwareVersion, command.EnvironmentId,
                [.. command.Components.Select(c => new VnfComponent(c.Id ?? Guid.NewGuid(), c.Name, c.Sensitivity, c.TrustDomainId))])
            { Version = 1 };
            inventory.Vnfs.Add(vnf);
            return Outcome.Done(vnf.Id);
        });

    public Task<Outcome> ChangeVnfAsync(ChangeVnf command, Actor actor, CancellationToken ct = default) =>
        Handle(command, actor, () => Replace(
            inventory.Vnfs, command.VnfId, command.ExpectedVersion, v => v.Id, v => v.Version,
            v => v with
            {
                Name = command.Name, Type = command.Type, Vendor = command.Vendor, SoftwareVersion = command.SoftwareVersion,
                EnvironmentId = command.EnvironmentId,
                Components = [.. command.Components.Select(c => new VnfComponent(c.Id ?? Guid.NewGuid(), c.Name, c.Sensitivity, c.TrustDomainId))],
                Version = v.Version + 1,
            }));

    private async Task<Outcome> Handle(object command, Actor actor, Func<Outcome> apply)
    {
        Received.Add((command, actor));
        if (Gate is { } gate)
            await gate.Task;

        if (_nextRefusal is { } refusal)
        {
            _nextRefusal = null;
            return Outcome.Refused(refusal);
        }

        return apply();
    }

    private static Outcome Replace<T>(
        List<T> items, Guid id, int expectedVersion, Func<T, Guid> idOf, Func<T, int> version, Func<T, T> change)
    {
        var index = items.FindIndex(i => idOf(i) == id);
        if (index < 0)
            return Outcome.Refused(Refusal.Because("This item does not exist (any more).", RefusalKind.NotFound));
        if (version(items[index]) != expectedVersion)
            return Outcome.Refused(Refusal.Because("Someone else changed this item.", RefusalKind.Conflict));

        items[index] = change(items[index]);
        return Outcome.Done(id);
    }
}
