using Console.Workflows.Accounts;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Marten;

namespace Console.Workflows.Alerts.Handling;

/// <summary>The Wolverine handler: the alert, the handling stream at the version the person saw, the pure decider, append.</summary>
public static class AlertHandlingHandler
{
    public static async Task<Outcome> Handle(AlertCommandBy message, IDocumentSession session, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        // The role first, before anything is read, as every decider does.
        if (CommandRoles.Check(AlertHandlingDecider.CommandOf(message.Command), message.Actor) is { } forbidden)
            return Outcome.Refused(forbidden);
        var alert = await session.LoadAsync<SecurityAlert>(message.AlertId, ct);
        var officers = (await session.Query<UserAccount>().Where(a => !a.Disabled).ToListAsync(ct))
            .Where(a => a.Roles.Contains(Roles.SecurityOfficer)).Select(a => a.UserName).ToHashSet(StringComparer.Ordinal);
        var stream = await session.Events.FetchForWriting<AlertHandling>(message.AlertId, ct);
        var decision = AlertHandlingDecider.Decide(
            message.Command, stream.Aggregate, new AlertFacts(alert?.Kind, officers) { SubjectId = alert?.SubjectId }, message.Actor, time.GetUtcNow());
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);
        stream.AppendMany(decision.Events);
        return Outcome.Done(message.AlertId);
    }
}
