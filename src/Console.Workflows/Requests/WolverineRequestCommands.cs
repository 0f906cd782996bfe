using Console.Workflows.Common;
using Console.Workflows.Requests.Amending;
using Console.Workflows.Requests.Approving;
using Console.Workflows.Requests.Cancelling;
using Console.Workflows.Requests.Rejecting;
using Console.Workflows.Requests.Retrying;
using Console.Workflows.Requests.Submitting;
using JasperFx;
using JasperFx.Events;
using Wolverine;

namespace Console.Workflows.Requests;

/// <summary>
/// <see cref="IRequestCommands"/> on the durable workflow: each command runs its Wolverine handler inline, in one
/// Marten transaction with the outbox. A lost optimistic-concurrency race comes back as a Conflict refusal.
/// </summary>
public sealed class WolverineRequestCommands(IMessageBus bus) : IRequestCommands
{
    // Inline handlers normally finish in milliseconds; the bound only stops a caller waiting forever on a stuck database.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    public Task<Outcome> SubmitAsync(SubmitRequest command, Actor actor, CancellationToken ct = default) =>
        InvokeAsync(new SubmitRequestBy(command, actor), ct);

    public Task<Outcome> AmendAsync(AmendRequest command, Actor actor, CancellationToken ct = default) =>
        InvokeAsync(new AmendRequestBy(command, actor), ct);

    public Task<Outcome> ApproveAsync(ApproveRequest command, Actor actor, CancellationToken ct = default) =>
        InvokeAsync(new ApproveRequestBy(command, actor), ct);

    public Task<Outcome> RejectAsync(RejectRequest command, Actor actor, CancellationToken ct = default) =>
        InvokeAsync(new RejectRequestBy(command, actor), ct);

    public Task<Outcome> CancelAsync(CancelRequest command, Actor actor, CancellationToken ct = default) =>
        InvokeAsync(new CancelRequestBy(command, actor), ct);

    public Task<Outcome> RetryAsync(RetryExecution command, Actor actor, CancellationToken ct = default) =>
        InvokeAsync(new RetryExecutionBy(command, actor), ct);

    private Task<Outcome> InvokeAsync(object message, CancellationToken ct) =>
        InvokeInlineAsync(bus, message, RequestHandler.ConflictMessage, ct);

    /// <summary>
    /// Runs a command's handler inline and turns a lost optimistic-concurrency race into a Conflict refusal with
    /// <paramref name="conflictMessage"/>; every capability's command port goes through here.
    /// </summary>
    internal static async Task<Outcome> InvokeInlineAsync(IMessageBus bus, object message, string conflictMessage, CancellationToken ct)
    {
        try
        {
            return await bus.InvokeAsync<Outcome>(message, ct, Timeout);
        }
        catch (Exception ex) when (IsConcurrency(ex))
        {
            return Outcome.Refused(Refusal.Because(conflictMessage, RefusalKind.Conflict));
        }
    }

    internal static bool IsConcurrency(Exception ex) =>
        ex is ConcurrencyException or EventStreamUnexpectedMaxEventIdException or ExistingStreamIdCollisionException
            or Marten.Exceptions.ExistingStreamIdCollisionException
        || (ex.InnerException is { } inner && IsConcurrency(inner))
        || (ex is AggregateException aggregate && aggregate.InnerExceptions.Any(IsConcurrency));
}
