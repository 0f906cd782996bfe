using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.ChangingEnvironment;
using Console.Workflows.Inventory.ChangingTrustDomain;
using Console.Workflows.Inventory.ChangingVnf;
using Console.Workflows.Policy;
using Console.Workflows.Policy.Revising;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Executing;
using Marten;

namespace Console.Workflows.Guards.Applying;

/// <summary>
/// The execution step of an approved guard change: the change's own decider runs again on the target as it is now,
/// with the version the change was made on as the expected version. If the target moved on meanwhile, or the change
/// no longer passes its rules (the policy floors included), nothing is applied and the request fails with the reason.
/// </summary>
public static class ApplyGuardChangeDecider
{
    /// <summary>
    /// The change is the requester's (the inventory and policy history name them), carried out on the authority they
    /// had at submission; the request's history names the security officer who approved it.
    /// </summary>
    public static Actor ActorFor(ChangeRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return new Actor(request.RequesterId, request.RequesterName, new HashSet<string>(StringComparer.Ordinal) { Roles.Administrator });
    }

    public static string Applied(GuardChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return $"The approved change to {change.Subject} is in force: "
            + string.Join("; ", change.Differences.Select(d => $"{d.What}: {d.Before} → {d.After}")) + ".";
    }

    /// <summary>Why the approved change was not applied, in words an administrator can act on.</summary>
    public static string NotApplied(GuardChange change, Refusal refusal, int? currentVersion)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(refusal);
        if (refusal.Kind == RefusalKind.Conflict)
            return $"The approved change was not applied: {change.Subject} changed after the change was requested "
                + $"(it was at {Version(change)} {change.BaseVersion}, it is now at {currentVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "another"}). "
                + "Nothing was changed; ask for the change again from the current state.";
        var fields = refusal.FieldErrors.SelectMany(f => f.Value);
        return $"The approved change was not applied: {string.Join(" ", new[] { refusal.Message }.Concat(fields))} Nothing was changed.";
    }

    private static string Version(GuardChange change) => change.Target == GuardTarget.Policy ? "revision" : "version";
}

internal static class ApplyGuardChangeHandler
{
    public static async Task ApplyAsync(IDocumentStore store, ChangeRequest request, int attempt, TimeProvider time, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var requestStream = await session.Events.FetchForWriting<ChangeRequest>(request.Id, ct);
        var running = requestStream.Aggregate ?? request;
        var now = time.GetUtcNow();
        if (request.Content.Guard is not { } change)
        {
            requestStream.AppendMany(ExecutionDecider.Fail(running, attempt, "The request carries no change to apply.", now).Events);
            await session.SaveChangesAsync(ct);
            return;
        }

        var actor = ApplyGuardChangeDecider.ActorFor(request);
        var (decision, currentVersion) = await DecideAndAppendAsync(session, change, actor, now, ct);
        var outcome = decision.Refusal is { } refusal
            ? ExecutionDecider.Fail(running, attempt, ApplyGuardChangeDecider.NotApplied(change, refusal, currentVersion), now)
            : ExecutionDecider.Complete(running, attempt, ApplyGuardChangeDecider.Applied(change), now);
        requestStream.AppendMany(outcome.Events);
        // The target's events and the request's outcome commit together: a concurrent edit of the target fails the
        // whole save, and the retry policy runs the step again from fresh state, which then refuses it as stale.
        await session.SaveChangesAsync(ct);
    }

    private static async Task<(Decision Decision, int? CurrentVersion)> DecideAndAppendAsync(
        IDocumentSession session, GuardChange change, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        switch (change.Target)
        {
            case GuardTarget.Environment when change.Environment is { } command:
            {
                var stream = await session.Events.FetchForWriting<ExecutionEnvironment>(command.EnvironmentId, ct);
                var nameTaken = await InventoryLookups.EnvironmentNameTakenAsync(session, command.Name, command.EnvironmentId, ct);
                var domains = await InventoryLookups.TrustDomainIdsAsync(session, ct);
                var decision = ChangeEnvironmentDecider.Decide(command, stream.Aggregate, nameTaken, actor, now, domains);
                if (!decision.Refused)
                    stream.AppendMany(decision.Events);
                return (decision, stream.Aggregate?.Version);
            }

            case GuardTarget.TrustDomain when change.TrustDomain is { } command:
            {
                var stream = await session.Events.FetchForWriting<TrustDomain>(command.TrustDomainId, ct);
                var nameTaken = await InventoryLookups.TrustDomainNameTakenAsync(session, command.Name, command.TrustDomainId, ct);
                var decision = ChangeTrustDomainDecider.Decide(command, stream.Aggregate, nameTaken, actor, now);
                if (!decision.Refused)
                    stream.AppendMany(decision.Events);
                return (decision, stream.Aggregate?.Version);
            }

            case GuardTarget.Vnf when change.Vnf is { } command:
            {
                var stream = await session.Events.FetchForWriting<Vnf>(command.VnfId, ct);
                var references = new VnfReferences(
                    await InventoryLookups.VnfNameTakenAsync(session, command.Name, command.VnfId, ct),
                    await InventoryLookups.EnvironmentIdsAsync(session, ct),
                    await InventoryLookups.TrustDomainIdsAsync(session, ct));
                var decision = ChangeVnfDecider.Decide(command, stream.Aggregate, references, actor, now);
                if (!decision.Refused)
                    stream.AppendMany(decision.Events);
                return (decision, stream.Aggregate?.Version);
            }

            case GuardTarget.Policy when change.Policy is { } command:
            {
                var stream = await session.Events.FetchForWriting<ApprovalPolicy>(ApprovalPolicy.StreamId, ct);
                var decision = RevisePolicyDecider.Decide(command, stream.Aggregate, actor, now);
                if (!decision.Refused)
                    stream.AppendMany(decision.Events);
                return (decision, stream.Aggregate?.Revision);
            }

            case GuardTarget.AccountRoles when change.AccountRoles is { } command:
            {
                var stream = await session.Events.FetchForWriting<Accounts.UserAccount>(change.TargetId, ct);
                var decision = Accounts.ChangingRoles.ChangeAccountRolesDecider.Decide(command, stream.Aggregate, actor, now);
                if (!decision.Refused)
                    stream.AppendMany(decision.Events);
                return (decision, stream.Aggregate?.Version);
            }

            case GuardTarget.SecondFactor when change.SecondFactorReset is { } command:
                return await Accounts.ResettingSecondFactor.ResetSecondFactorHandler.ApplyAsync(session, command, actor, now, ct);

            default:
                return (Refusal.Because($"The request's change to {change.Subject} is incomplete.", RefusalKind.Invalid), null);
        }
    }
}
