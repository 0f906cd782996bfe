using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Snapshots;

namespace Console.Workflows.Requests.Submitting;

/// <summary>
/// What the handler loads before deciding on a submission or amendment: the VNF, the environments and trust domains by
/// id, the policy in force, and for a deletion the snapshot.
/// </summary>
public sealed record SubmissionFacts(
    Vnf Vnf,
    IReadOnlyDictionary<Guid, ExecutionEnvironment> Environments,
    IReadOnlyDictionary<Guid, TrustDomain> TrustDomains,
    ApprovalPolicy Policy,
    Snapshot? Snapshot);

public static class SubmitRequestDecider
{
    /// <summary>Who records that no approval was needed.</summary>
    public const string PolicyActor = "system:policy";

    public const string NoStateEpochMessage = "This snapshot records no state epoch, so a roll-back to it cannot be judged.";

    public static Decision Decide(SubmitRequest command, Guid requestId, SubmissionFacts facts, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(CommandRoles.Submit(command.Kind), actor) is { } forbidden)
            return forbidden;
        if (facts.Vnf is null || facts.Vnf.Id != command.VnfId)
            return Refusal.Because("This VNF does not exist (any more).", RefusalKind.NotFound);

        var checkedRequest = RequestValidation.Check(
            command.Kind, command.ComponentIds, command.TargetEnvironmentId, command.SnapshotId,
            command.Justification, command.Window, facts, now);
        if (checkedRequest.Refusal is { } refusal)
            return refusal;

        var content = checkedRequest.Content!;
        var digest = ContentDigest.Of(content, checkedRequest.Justification, command.Window);
        var requirement = ApprovalRules.RequirementFor(content, facts);
        var submitted = new RequestSubmitted(
            requestId, content, digest, facts.Vnf.Name, checkedRequest.Justification, command.Window, requirement,
            actor.UserId, actor.DisplayName, now, now + facts.Policy.Document.PendingRequestTimeout);
        return requirement.NoneNeeded
            ? Decision.Emit(submitted, new RequestApproved(requestId, digest, PolicyActor, now))
            : Decision.Emit(submitted);
    }
}

/// <summary>Limits of request input, for forms to show.</summary>
public static class RequestLimits
{
    public const int JustificationMinLength = 10;
    public const int JustificationMaxLength = 2000;
    public const int ReasonMaxLength = 1000;
    public const int CommentMaxLength = 1000;
    public static readonly TimeSpan ChangeWindowMaxLength = TimeSpan.FromDays(30);
}

internal sealed record CheckedRequest(RequestContent? Content, string Justification, Refusal? Refusal);

/// <summary>
/// The checks submission and amendment share, so an amended request is held to the same rules: the input rules first
/// (<see cref="RequestInput"/>), then those that need the inventory, the policy and the snapshot.
/// </summary>
internal static class RequestValidation
{
    public static CheckedRequest Check(
        RequestKind kind, IReadOnlyList<Guid>? componentIds, Guid? targetId, Guid? snapshotId,
        string? justificationInput, ChangeWindow? window, SubmissionFacts facts, DateTimeOffset now)
    {
        var vnf = facts.Vnf;
        var errors = RequestInput
            .Check(new RequestDraft(kind, vnf.Id, targetId, snapshotId, justificationInput, window?.Start, window?.End), now)
            .ToDictionary(e => e.Key, e => e.Value.ToList(), StringComparer.Ordinal);
        void Add(string field, string message)
        {
            if (!errors.TryGetValue(field, out var list))
                errors[field] = list = [];
            list.Add(message);
        }

        var justification = justificationInput?.Trim() ?? string.Empty;
        if (errors.ContainsKey(nameof(SubmitRequest.Kind)))
            return Refused(errors);

        var selected = (componentIds ?? []).Distinct().ToList();
        var unknown = selected.Where(id => vnf.Components.All(c => c.Id != id)).ToList();
        if (unknown.Count > 0 && kind is not (RequestKind.SnapshotDeletion or RequestKind.Restore))
            Add(nameof(SubmitRequest.ComponentIds), $"{unknown.Count} of the selected components do not belong to {vnf.Name}.");

        var components = selected.Count == 0
            ? vnf.Components.ToList()
            : vnf.Components.Where(c => selected.Contains(c.Id)).ToList();
        IReadOnlyList<Guid> ids = [.. components.Select(c => c.Id).Order()];
        var source = vnf.EnvironmentId;
        Guid? target = null;
        Guid? snapshot = null;
        string? placementMessage = null;

        switch (kind)
        {
            case RequestKind.Snapshot:
                if (components.Count == 0)
                    Add(nameof(SubmitRequest.ComponentIds), $"{vnf.Name} has no components to snapshot.");
                break;

            case RequestKind.Migration:
                if (components.Count == 0)
                    Add(nameof(SubmitRequest.ComponentIds), $"{vnf.Name} has no components to move.");
                var sources = components.Select(vnf.PlacementOf).Distinct().ToList();
                if (sources.Count > 1)
                    Add(nameof(SubmitRequest.ComponentIds),
                        "The selected components run in different environments; request one migration per environment.");
                else if (sources.Count == 1)
                    source = sources[0];

                if (targetId is not { } t || errors.ContainsKey(nameof(SubmitRequest.TargetEnvironmentId)))
                    break;

                target = t;
                if (!facts.Environments.TryGetValue(t, out var environment))
                {
                    Add(nameof(SubmitRequest.TargetEnvironmentId), "This environment does not exist (any more).");
                    break;
                }

                var already = components.Where(c => vnf.PlacementOf(c) == t).ToList();
                if (already.Count > 0)
                    Add(nameof(SubmitRequest.TargetEnvironmentId),
                        $"{Humanise.List(already.Select(c => c.Name))} already {(already.Count == 1 ? "runs" : "run")} in {environment.Name}.");

                // The placement rule: never into a less trustworthy environment. Refused here, it never reaches approval.
                var policy = facts.Policy.Document;
                var tooLow = components
                    .Where(c => !Placement.Satisfied(c, environment, policy))
                    .OrderByDescending(c => c.Sensitivity)
                    .ToList();
                if (tooLow.Count > 0)
                {
                    placementMessage = string.Join(" ", tooLow.Select(c =>
                        $"{c.Name} is {c.Sensitivity} and needs trust level {Placement.RequiredTrustLevel(c.Sensitivity, policy)} or higher; {environment.Name} offers {environment.TrustLevel}."))
                        + " A component may not move to a less trustworthy environment.";
                    Add(nameof(SubmitRequest.TargetEnvironmentId), placementMessage);
                }

                break;

            case RequestKind.SnapshotDeletion or RequestKind.Restore:
                var restore = kind == RequestKind.Restore;
                if (snapshotId is not { } sid || errors.ContainsKey(nameof(SubmitRequest.SnapshotId)))
                    break;

                snapshot = sid;
                if (facts.Snapshot is not { } found || found.Id != sid)
                    Add(nameof(SubmitRequest.SnapshotId), "This snapshot does not exist.");
                else if (found.VnfId != vnf.Id)
                    Add(nameof(SubmitRequest.SnapshotId), $"This snapshot is not one of {vnf.Name}.");
                else if (found.Status != SnapshotStatus.Available)
                    Add(nameof(SubmitRequest.SnapshotId), "This snapshot has already been deleted.");
                else if (restore && found.StateEpoch is null)
                    Add(nameof(SubmitRequest.SnapshotId), SubmitRequestDecider.NoStateEpochMessage);
                else
                    ids = [.. found.Components.Select(c => c.ComponentId).Order()];
                if (restore && components.Count == 0)
                    Add(nameof(SubmitRequest.ComponentIds), $"{vnf.Name} has no components to restore.");
                break;

            case RequestKind.Pause or RequestKind.Resume or RequestKind.Stop or RequestKind.Start or RequestKind.Restart:
                // A lifecycle operation acts on the VNF's running instance as a whole, whatever was selected.
                if (vnf.Components.Count == 0)
                    Add(nameof(SubmitRequest.ComponentIds), $"{vnf.Name} has no components to {kind.ToString().ToLowerInvariant()}.");
                ids = [.. vnf.Components.Select(c => c.Id).Order()];
                break;
        }

        if (errors.Count > 0)
            return Refused(errors, placementMessage);

        var content = new RequestContent(kind, vnf.Id, ids, source, target, snapshot, facts.Policy.Revision);
        return new CheckedRequest(content, justification, null);
    }

    private static CheckedRequest Refused(Dictionary<string, List<string>> errors, string? message = null)
    {
        var fields = errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
        var refusal = message is null ? Refusal.ForFields(fields) : new Refusal(message, fields, RefusalKind.Invalid);
        return new CheckedRequest(null, string.Empty, refusal);
    }
}
