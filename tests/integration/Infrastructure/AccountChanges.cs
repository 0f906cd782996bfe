using Console.Workflows.Accounts;
using Console.Workflows.Common;
using Marten;

namespace Console.IntegrationTests.Infrastructure;

/// <summary>
/// The account commands on a bare store, for tests without a workflow host: the same handler the command bus runs,
/// then the commit its transactional middleware would make. Other commands are not its business, and neither is a
/// grant of a role that approves or administers: that becomes a guard change, whose expiry is scheduled on the
/// workflow's message bus, which this has not (use the workflow host for those).
/// </summary>
public sealed class AccountChanges(IDocumentStore store, TimeProvider time) : IConsoleCommandBus
{
    private static readonly Wolverine.IMessageContext NoBus = null!;

    public async Task<Outcome> IssueAsync(IConsoleCommand command, Actor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        await using var session = store.LightweightSession();
        var outcome = command.By(actor) switch
        {
            ChangeAccountRolesBy change => await AccountHandler.Handle(change, session, NoBus, time, ct),
            SetAccountDisabledBy disable => await AccountHandler.Handle(disable, session, time, ct),
            var other => throw new ArgumentException($"{other.GetType().Name} is not an account command.", nameof(command)),
        };
        if (outcome.Succeeded)
            await session.SaveChangesAsync(ct);
        return outcome;
    }
}
