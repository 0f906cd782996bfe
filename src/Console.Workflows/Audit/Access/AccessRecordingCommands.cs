using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.ChangingEnvironment;
using Console.Workflows.Inventory.ChangingTrustDomain;
using Console.Workflows.Inventory.ChangingVnf;
using Console.Workflows.Inventory.RegisteringEnvironment;
using Console.Workflows.Inventory.RegisteringTrustDomain;
using Console.Workflows.Inventory.RegisteringVnf;
using Console.Workflows.Policy;
using Console.Workflows.Requests;

namespace Console.Workflows.Audit.Access;

// Decorators of the write ports pages and the API call: the decision functions stay pure and unaware of the history;
// a refusal worth keeping (see AccessRefusals) is recorded on its way back. Successes pass through untouched, so the
// approve path pays one comparison.

/// <summary>Records permission and safety refusals of request commands.</summary>
public sealed class AccessRecordingRequestCommands(IRequestCommands inner, IAccessJournal journal) : IRequestCommands
{
    public async Task<Outcome> SubmitAsync(SubmitRequest command, Actor actor, CancellationToken ct = default) =>
        await AccessRecording.RecordAsync(journal, await inner.SubmitAsync(command, actor, ct), actor, nameof(SubmitRequest),
            () => command.TargetEnvironmentId is { } target
                ? $"{AccessResources.Vnf(command.VnfId)}/{AccessResources.Environment(target)}"
                : AccessResources.Vnf(command.VnfId));

    public async Task<Outcome> AmendAsync(AmendRequest command, Actor actor, CancellationToken ct = default) =>
        await AccessRecording.RecordAsync(journal, await inner.AmendAsync(command, actor, ct), actor, nameof(AmendRequest),
            () => command.TargetEnvironmentId is { } target
                ? $"{AccessResources.Request(command.RequestId)}/{AccessResources.Environment(target)}"
                : AccessResources.Request(command.RequestId));

    public async Task<Outcome> ApproveAsync(ApproveRequest command, Actor actor, CancellationToken ct = default) =>
        await AccessRecording.RecordAsync(journal, await inner.ApproveAsync(command, actor, ct), actor, nameof(ApproveRequest),
            () => AccessResources.Request(command.RequestId));

    public async Task<Outcome> RejectAsync(RejectRequest command, Actor actor, CancellationToken ct = default) =>
        await AccessRecording.RecordAsync(journal, await inner.RejectAsync(command, actor, ct), actor, nameof(RejectRequest),
            () => AccessResources.Request(command.RequestId));

    public async Task<Outcome> CancelAsync(CancelRequest command, Actor actor, CancellationToken ct = default) =>
        await AccessRecording.RecordAsync(journal, await inner.CancelAsync(command, actor, ct), actor, nameof(CancelRequest),
            () => AccessResources.Request(command.RequestId));

    public async Task<Outcome> RetryAsync(RetryExecution command, Actor actor, CancellationToken ct = default) =>
        await AccessRecording.RecordAsync(journal, await inner.RetryAsync(command, actor, ct), actor, nameof(RetryExecution),
            () => AccessResources.Request(command.RequestId));
}

/// <summary>Records refused inventory changes (only administrators may change what trust decisions rest on).</summary>
public sealed class AccessRecordingInventoryCommands(IInventoryCommands inner, IAccessJournal journal) : IInventoryCommands
{
    public async Task<Outcome> RegisterTrustDomainAsync(RegisterTrustDomain command, Actor actor, CancellationToken ct = default) =>
        await AccessRecording.RecordAsync(journal, await inner.RegisterTrustDomainAsync(command, actor, ct), actor,
            nameof(RegisterTrustDomain), () => "trust-domain");

    public async Task<Outcome> ChangeTrustDomainAsync(ChangeTrustDomain command, Actor actor, CancellationToken ct = default) =>
        await AccessRecording.RecordAsync(journal, await inner.ChangeTrustDomainAsync(command, actor, ct), actor,
            nameof(ChangeTrustDomain), () => AccessResources.TrustDomain(command.TrustDomainId));

    public async Task<Outcome> RegisterEnvironmentAsync(RegisterEnvironment command, Actor actor, CancellationToken ct = default) =>
        await AccessRecording.RecordAsync(journal, await inner.RegisterEnvironmentAsync(command, actor, ct), actor,
            nameof(RegisterEnvironment), () => "environment");

    public async Task<Outcome> ChangeEnvironmentAsync(ChangeEnvironment command, Actor actor, CancellationToken ct = default) =>
        await AccessRecording.RecordAsync(journal, await inner.ChangeEnvironmentAsync(command, actor, ct), actor,
            nameof(ChangeEnvironment), () => AccessResources.Environment(command.EnvironmentId));

    public async Task<Outcome> RegisterVnfAsync(RegisterVnf command, Actor actor, CancellationToken ct = default) =>
        await AccessRecording.RecordAsync(journal, await inner.RegisterVnfAsync(command, actor, ct), actor,
            nameof(RegisterVnf), () => "vnf/" + AccessResources.Environment(command.EnvironmentId));

    public async Task<Outcome> ChangeVnfAsync(ChangeVnf command, Actor actor, CancellationToken ct = default) =>
        await AccessRecording.RecordAsync(journal, await inner.ChangeVnfAsync(command, actor, ct), actor,
            nameof(ChangeVnf), () => AccessResources.Vnf(command.VnfId));
}

/// <summary>Records refused policy revisions; reading the policy passes straight through.</summary>
public sealed class AccessRecordingPolicyService(IPolicyService inner, IAccessJournal journal) : IPolicyService
{
    public Task<ApprovalPolicy> CurrentAsync(CancellationToken ct = default) => inner.CurrentAsync(ct);

    public Task<IReadOnlyList<PolicyRevisionEntry>> HistoryAsync(CancellationToken ct = default) => inner.HistoryAsync(ct);

    public async Task<Outcome> ReviseAsync(RevisePolicy command, Actor actor, CancellationToken ct = default) =>
        await AccessRecording.RecordAsync(journal, await inner.ReviseAsync(command, actor, ct), actor,
            nameof(RevisePolicy), () => AccessResources.Policy);
}

internal static class AccessRecording
{
    public static async Task<Outcome> RecordAsync(
        IAccessJournal journal, Outcome outcome, Actor actor, string operation, Func<string> resource)
    {
        // Recorded even when the caller has gone away meanwhile: the attempt happened.
        if (AccessRefusals.IsRecorded(outcome.Refusal))
            await journal.RefusedAsync(actor, operation, resource(), outcome.Refusal!.Message, CancellationToken.None);
        return outcome;
    }
}
