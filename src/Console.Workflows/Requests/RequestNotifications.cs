using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Requests;

/// <summary>
/// Raises <see cref="IRequestNotifications.RequestChanged"/> once per request stream a committed session touched, on
/// this node. Subscribers run on the committing thread: they should only schedule a refresh (InvokeAsync), not work.
/// </summary>
public sealed class RequestNotifications(ILogger<RequestNotifications> logger) : IRequestNotifications
{
    public event Action<Guid>? RequestChanged;

    internal void Raise(Guid requestId)
    {
        var handlers = RequestChanged;
        if (handlers is null)
            return;
        foreach (var handler in handlers.GetInvocationList().Cast<Action<Guid>>())
        {
            try
            {
                handler(requestId);
            }
#pragma warning disable CA1031 // one broken page must not stop the others hearing of the change, nor fail the commit
            catch (Exception ex)
#pragma warning restore CA1031
            {
                logger.LogWarning(ex, "A subscriber to changes of request {RequestId} failed", requestId);
            }
        }
    }
}

/// <summary>Marten listener that tells <see cref="RequestNotifications"/> after each commit which requests changed.</summary>
internal sealed class RequestChangeListener(RequestNotifications notifications) : DocumentSessionListenerBase
{
    private static readonly HashSet<Type> RequestEvents =
    [
        typeof(RequestSubmitted), typeof(RequestAmended), typeof(ApprovalGranted), typeof(RequestApproved),
        typeof(RequestRejected), typeof(RequestCancelled), typeof(RequestExpired), typeof(ExecutionStarted),
        typeof(TargetAttestationChecked), typeof(ExecutionCompleted), typeof(ExecutionFailed), typeof(ExecutionRetryRequested),
        typeof(ExecutionWindowMissed),
    ];

    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(commit);
        foreach (var requestId in commit.GetEvents().Where(e => RequestEvents.Contains(e.EventType)).Select(e => e.StreamId).Distinct())
            notifications.Raise(requestId);
        return Task.CompletedTask;
    }
}

/// <summary>Adds the listener to the store once the container can hand out the notifications singleton.</summary>
internal sealed class RequestNotificationsConfiguration : IConfigureMarten
{
    public void Configure(IServiceProvider services, StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Listeners.Add(new RequestChangeListener(services.GetRequiredService<RequestNotifications>()));
    }
}
