using Console.Workflows.Accounts.ChangingRoles;
using Console.Workflows.Accounts.Disabling;
using Console.Workflows.Common;
using Marten;

namespace Console.Workflows.Accounts;

/// <summary>Account commands on the account's stream: read it for writing, decide, append with the version read.</summary>
public sealed class MartenAccountCommands(IDocumentSession session, TimeProvider time) : IAccountCommands
{
    public Task<Outcome> ChangeRolesAsync(ChangeAccountRoles command, Actor actor, CancellationToken ct = default) =>
        HandleAsync(command.UserName, current => ChangeAccountRolesDecider.Decide(command, current, actor, time.GetUtcNow()), ct);

    public Task<Outcome> SetDisabledAsync(SetAccountDisabled command, Actor actor, CancellationToken ct = default) =>
        HandleAsync(command.UserName, current => SetAccountDisabledDecider.Decide(command, current, actor, time.GetUtcNow()), ct);

    private async Task<Outcome> HandleAsync(string? userName, Func<UserAccount?, Decision> decide, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(userName) || userName.Length > 100)
            return Outcome.Refused(Refusal.Because("Name the account (1 to 100 characters).", RefusalKind.NotFound));
        var id = UserAccount.IdFor(userName);
        var stream = await session.Events.FetchForWriting<UserAccount>(id, ct);
        var decision = decide(stream.Aggregate);
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);

        stream.AppendMany(decision.Events);
        try
        {
            await session.SaveChangesAsync(ct);
            return Outcome.Done(id);
        }
        catch (Exception ex) when (StreamRace.LostTo(ex))
        {
            return Outcome.Refused(Refusal.Because(
                "Someone else changed the account at the same moment. Reload it and apply your change again.", RefusalKind.Conflict));
        }
    }
}
