using Console.Workflows.Common;
using Marten;
using Wolverine;

namespace Console.Workflows.Guards.Submitting;

/// <summary>The step inventory and policy handlers share: a weakening change goes to approval instead of into force.</summary>
internal static class GuardGate
{
    /// <summary>
    /// Submits <paramref name="change"/> for approval in the handler's own transaction; the item itself stays as it is.
    /// The outcome names the item and the new request.
    /// </summary>
    public static async Task<Outcome> SubmitAsync(
        IDocumentSession session, IMessageContext bus, GuardChange change, Guid itemId, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        var outcome = await SubmitGuardChangeHandler.StartAsync(session, bus, change, actor, now, ct);
        return outcome.Refusal is null ? Outcome.SubmittedForApproval(itemId, outcome.Id) : outcome;
    }
}
