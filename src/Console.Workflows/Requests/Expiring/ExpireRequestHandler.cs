using Marten;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime.Handlers;
using JasperFx.Core;

namespace Console.Workflows.Requests.Expiring;

/// <summary>The durable timeout: expires the request if it is still waiting for approval when the message arrives.</summary>
public static class ExpireRequestHandler
{
    public static void Configure(HandlerChain chain)
    {
        ArgumentNullException.ThrowIfNull(chain);
        // An approval committed at the same moment wins; the retry then finds the request no longer pending.
        chain.OnException<JasperFx.ConcurrencyException>().RetryWithCooldown(100.Milliseconds(), 500.Milliseconds(), 2.Seconds());
    }

    public static async Task Handle(
        ExpireRequest message, IDocumentSession session, IMessageContext bus, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        var stream = await session.Events.FetchForWriting<ChangeRequest>(message.RequestId, ct);
        if (stream.Aggregate is not { } request)
            return;

        var now = time.GetUtcNow();
        var decision = ExpireRequestDecider.Decide(request, now);
        if (decision.Events.Count == 0 && request.Status == RequestStatus.PendingApproval && now < request.ExpiresAt)
        {
            // Delivered early (clocks of nodes and database differ a little): wait for the real deadline.
            await bus.ScheduleAsync(message, request.ExpiresAt);
            return;
        }

        stream.AppendMany(decision.Events);
    }
}
