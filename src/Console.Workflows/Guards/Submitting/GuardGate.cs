using Console.Workflows.Common;

namespace Console.Workflows.Guards.Submitting;

/// <summary>The step inventory and policy commands share: a weakening change goes to approval instead of into force.</summary>
internal static class GuardGate
{
    public static async Task<Outcome> SubmitAsync(
        IGuardChangeRequests? requests, GuardChange change, Guid itemId, Actor actor, CancellationToken ct)
    {
        if (requests is null)
            return Outcome.Refused(Refusal.Because(
                "This change weakens protection and needs a security officer's approval, but the approval workflow is not running here.",
                RefusalKind.Invalid));
        var outcome = await requests.SubmitAsync(change, actor, ct);
        return outcome.Refusal is null ? Outcome.SubmittedForApproval(itemId, outcome.Id) : outcome;
    }
}
