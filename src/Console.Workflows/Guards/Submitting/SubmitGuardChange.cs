using Console.Workflows.Audit.Access;
using Console.Workflows.Common;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Expiring;
using Marten;
using Wolverine;

namespace Console.Workflows.Guards.Submitting;

/// <summary>An administrator's weakening change, as the workflow carries it: the change and who asked for it.</summary>
public sealed record SubmitGuardChangeBy(GuardChange Change, Actor Actor) : ICommandBy
{
    public string Resource => Change.Target switch
    {
        GuardTarget.Environment => AccessResources.Environment(Change.TargetId),
        GuardTarget.TrustDomain => AccessResources.TrustDomain(Change.TargetId),
        GuardTarget.Vnf => AccessResources.Vnf(Change.TargetId),
        GuardTarget.AccountRoles or GuardTarget.SecondFactor => Accounts.AccountHandler.Resource(Change.TargetName),
        _ => AccessResources.Policy,
    };

    public string ConflictMessage => "Someone else acted first; try again.";
}

/// <summary>
/// Turns a weakening change into a request that waits for a security officer. The requester never counts towards the
/// quorum (<see cref="Requests.Approvals.Quorum"/>), so one administrator, even one who is also a security officer,
/// cannot put it into force alone.
/// </summary>
public static class SubmitGuardChangeDecider
{
    /// <summary>Who approves a weakening change: at least this many security officers other than the requester.</summary>
    public static readonly RequiredGroup Approvers = new(DefaultPolicy.SecurityOfficers, ApproverSource.Role, Roles.SecurityOfficer, 1);

    public const string Explanation = "A change that weakens protection: 1 security officer other than the requester";

    // The roles this command needs come from the one role table, like every other command's.
    private static Refusal? MaySubmit(Actor actor) => CommandRoles.Check(ConsoleCommand.SubmitGuardChange, actor);

    public static Decision Decide(GuardChange change, Guid requestId, ApprovalPolicy policy, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(actor);
        if (MaySubmit(actor) is { } forbidden)
            return forbidden;
        if (!change.Differences.Any(d => d.Weakens))
            return Refusal.Because("This change does not weaken protection; it applies at once and needs no approval.", RefusalKind.Invalid);
        if (CommandCount(change) != 1)
            return Refusal.Because("A guard change carries exactly the one command its target names.", RefusalKind.Invalid);

        var content = new RequestContent(RequestKind.GuardChange, Guid.Empty, [], Guid.Empty, null, null, policy.Revision)
        {
            Guard = change,
        };
        var weakening = string.Join("; ", change.Differences.Where(d => d.Weakens).Select(d => $"{d.What}: {d.Before} → {d.After}"));
        var verb = change.Target switch
        {
            GuardTarget.Policy => "Revise",
            GuardTarget.SecondFactor => "Reset",
            _ => "Change",
        };
        var justification = $"{verb} {change.Subject}{(change.Reason is { } reason ? $" ({reason})" : "")}. Weakens: {weakening}.";
        var requirement = new ApprovalRequirement([Approvers], false, Explanation);
        return Decision.Emit(new RequestSubmitted(
            requestId, content, ContentDigest.Of(content, justification, null), Title(change), justification, null, requirement,
            actor.UserId, actor.DisplayName, now, now + policy.Document.PendingRequestTimeout));
    }

    /// <summary>What the request list shows where other requests name their VNF.</summary>
    public static string Title(GuardChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return change.Target switch
        {
            GuardTarget.Environment => $"Environment {change.TargetName}",
            GuardTarget.TrustDomain => $"Trust domain {change.TargetName}",
            GuardTarget.Vnf => $"VNF {change.TargetName}",
            GuardTarget.AccountRoles => $"Roles of {change.TargetName}",
            GuardTarget.SecondFactor => $"Second factor of {change.TargetName}",
            _ => "Approval policy",
        };
    }

    private static int CommandCount(GuardChange change) =>
        (change.Environment is null ? 0 : 1) + (change.TrustDomain is null ? 0 : 1) + (change.Vnf is null ? 0 : 1)
        + (change.Policy is null ? 0 : 1) + (change.AccountRoles is null ? 0 : 1)
        + (change.SecondFactorReset is null ? 0 : 1);
}

public static class SubmitGuardChangeHandler
{
    public static Task<Outcome> Handle(
        SubmitGuardChangeBy message, IDocumentSession session, IMessageContext bus, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(time);
        return StartAsync(session, bus, message.Change, message.Actor, time.GetUtcNow(), ct);
    }

    /// <summary>
    /// Starts the request stream and schedules its expiry on <paramref name="session"/>: the caller's transaction commits
    /// both (an inventory or policy handler's, when its change turns out to weaken protection). The outcome's id is the
    /// request's id.
    /// </summary>
    internal static async Task<Outcome> StartAsync(
        IDocumentSession session, IMessageContext bus, GuardChange change, Actor actor, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(bus);
        var policy = await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId, ct);
        if (policy is null)
            return Outcome.Refused(Refusal.Because(
                "No approval policy is in force, so no change can be judged. Restart the console to seed the default policy.",
                RefusalKind.Invalid));

        var requestId = Guid.CreateVersion7(now);
        var decision = SubmitGuardChangeDecider.Decide(change, requestId, policy, actor, now);
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);

        session.Events.StartStream<ChangeRequest>(requestId, decision.Events);
        var submitted = decision.Events.OfType<RequestSubmitted>().Single();
        await bus.ScheduleAsync(new ExpireRequest(requestId), submitted.ExpiresAt);
        return Outcome.Done(requestId);
    }
}
