using Console.Workflows.Common;
using JasperFx.Core;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wolverine;
using Wolverine.ErrorHandling;
using Wolverine.Runtime;
using Wolverine.Runtime.Handlers;

namespace Console.Workflows.Requests.Executing;

/// <summary>
/// Carries an approved request out through the <see cref="ExecutionPipeline"/>. Delivered through a durable local
/// queue: if the node stops halfway, the message is delivered again and the attempt resumes; the infrastructure's
/// operation id makes the operation itself happen once.
/// </summary>
public static class ExecuteRequestHandler
{
    /// <summary>
    /// What happens when an attempt throws. Registered for <see cref="ExecuteRequest"/> by the workflow registration
    /// (not by Wolverine's naming convention) because the retry delays come from <see cref="RequestWorkflowOptions"/>.
    /// </summary>
    public static void ConfigureFailures(HandlerChain chain, RequestWorkflowOptions options)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(options);
        // A concurrent writer (an inventory edit, a duplicate delivery) moved a stream on: run again from fresh state.
        chain.OnException<JasperFx.ConcurrencyException>().RetryWithCooldown(100.Milliseconds(), 500.Milliseconds(), 2.Seconds());
        chain.OnException<JasperFx.Events.EventStreamUnexpectedMaxEventIdException>()
            .RetryWithCooldown(100.Milliseconds(), 500.Milliseconds(), 2.Seconds());
        // Anything else (the database briefly gone) would leave the request executing: try again, quickly and then
        // from the durable schedule, since every step is safe to repeat. When that is exhausted the failure is
        // recorded on the request, where an operator sees it and can retry; it does not vanish into a dead-letter
        // table with the request stuck in "Executing". A cancellation means this node is going down; the stored
        // message outlives it.
        // Wolverine cancels every handler after one minute unless told otherwise; an execution waits on the
        // infrastructure for as long as an operation takes. Running out of this time is a failure like the others below.
        chain.ExecutionTimeoutInSeconds = (int)Math.Ceiling(options.ExecutionTimeout.TotalSeconds);
        chain.OnException(ex => ex is not OperationCanceledException, "unexpected failure")
            .RetryWithCooldown([.. options.RetryCooldowns])
            .Then.ScheduleRetry([.. options.ScheduledRetries])
            .Then.CustomAction(RecordGivingUpAsync, "record the execution as failed");
    }

    private static async ValueTask RecordGivingUpAsync(IWolverineRuntime runtime, IEnvelopeLifecycle lifecycle, Exception ex)
    {
        if (lifecycle.Envelope?.Message is ExecuteRequest message)
        {
            var services = runtime.Services;
            var reason = $"The execution kept failing and was given up after {lifecycle.Envelope.Attempts} attempts: {ex.Message}";
            services.GetRequiredService<ILogger<ExecuteRequest>>().LogError(
                ex, "Giving up request {RequestId} attempt {Attempt}", message.RequestId, message.Attempt);
            await ExecutionPipeline.FailAsync(
                services.GetRequiredService<IDocumentStore>(), message.RequestId, message.Attempt, reason,
                services.GetRequiredService<TimeProvider>(), CancellationToken.None);
        }

        await lifecycle.CompleteAsync();
    }

    public static async Task Handle(
        ExecuteRequest message, ExecutionPipeline pipeline, IMessageContext bus, IWolverineRuntime runtime, RequestWorkflowOptions options,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(runtime);
        ArgumentNullException.ThrowIfNull(options);
        try
        {
            await pipeline.RunAsync(message, bus, ct);
        }
        catch (OperationCanceledException ex) when (ct.IsCancellationRequested && !runtime.Cancellation.IsCancellationRequested)
        {
            // Cancelled by the time limit, not because the node stops: retried like any other failure.
            throw new ExecutionTimedOutException(
                $"The execution did not finish within {options.ExecutionTimeout} (Workflow:ExecutionTimeout).", ex);
        }
    }
}

/// <summary>One delivery of an execution ran longer than <see cref="RequestWorkflowOptions.ExecutionTimeout"/>.</summary>
internal sealed class ExecutionTimedOutException : Exception
{
    public ExecutionTimedOutException(string message) : base(message)
    {
    }

    public ExecutionTimedOutException()
    {
    }

    public ExecutionTimedOutException(string message, Exception inner) : base(message, inner)
    {
    }
}

/// <summary>The execution may not go on for a reason of the workflow's own (e.g. a legal hold), not the infrastructure's.</summary>
internal sealed class ExecutionRefusedException : Exception
{
    public ExecutionRefusedException(string message) : base(message)
    {
    }

    public ExecutionRefusedException()
    {
    }

    public ExecutionRefusedException(string message, Exception inner) : base(message, inner)
    {
    }
}
