using Console.Workflows.Common;
using Console.Workflows.Requests.Amending;
using Console.Workflows.Requests.Approving;
using Console.Workflows.Requests.Cancelling;
using Console.Workflows.Requests.Rejecting;
using Console.Workflows.Requests.Retrying;
using Console.Workflows.Requests.Submitting;

namespace Console.Workflows.Requests;

/// <summary><see cref="IRequestCommands"/> on the durable workflow: each command goes with its person through the <see cref="CommandBus"/>.</summary>
public sealed class WolverineRequestCommands(CommandBus commands) : IRequestCommands
{
    public Task<Outcome> SubmitAsync(SubmitRequest command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new SubmitRequestBy(command, actor), ct);

    public Task<Outcome> AmendAsync(AmendRequest command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new AmendRequestBy(command, actor), ct);

    public Task<Outcome> ApproveAsync(ApproveRequest command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new ApproveRequestBy(command, actor), ct);

    public Task<Outcome> RejectAsync(RejectRequest command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new RejectRequestBy(command, actor), ct);

    public Task<Outcome> CancelAsync(CancelRequest command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new CancelRequestBy(command, actor), ct);

    public Task<Outcome> RetryAsync(RetryExecution command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new RetryExecutionBy(command, actor), ct);
}
