using Console.Workflows.Common;
using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Requests;

/// <summary>
/// Raises <see cref="IRequestNotifications.RequestChanged"/> once per request stream a committed session touched, on
/// this node, and for the changes other nodes publish (<see cref="RequestChangeRelay"/>). Subscribers run on the committing thread: they should only schedule a refresh (InvokeAsync), not work.
/// </summary>
public sealed class RequestNotifications(ILogger<RequestNotifications> logger) : IRequestNotifications
{
    public event Action<Guid>? RequestChanged;

    internal void Raise(Guid requestId) =>
        Subscribers.Notify(RequestChanged, handler => handler(requestId), logger, $"changes of request {requestId}");
}

/// <summary>
/// Marten listener that tells <see cref="RequestNotifications"/> after each commit which requests changed, and hands
/// them to the <see cref="RequestChangeRelay"/> for the other nodes.
/// </summary>
internal sealed class RequestChangeListener(RequestNotifications notifications, RequestChangeRelay relay) : DocumentSessionListenerBase
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
        {
            notifications.Raise(requestId);
            relay.Publish(requestId);
        }

        return Task.CompletedTask;
    }
}

/// <summary>Adds the listener to the store once the container can hand out the notifications singleton.</summary>
internal sealed class RequestNotificationsConfiguration : IConfigureMarten
{
    public void Configure(IServiceProvider services, StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Listeners.Add(new RequestChangeListener(
            services.GetRequiredService<RequestNotifications>(), services.GetRequiredService<RequestChangeRelay>()));
    }
}
