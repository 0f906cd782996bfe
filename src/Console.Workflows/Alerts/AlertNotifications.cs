using Console.Workflows.Common;
using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Alerts;

/// <summary>
/// Tells open pages on this node (the shell's alert badge, the alerts page) that an alert was raised or handled.
/// Subscribers run on the committing thread: they should only schedule a refresh.
/// </summary>
public sealed class AlertNotifications(ILogger<AlertNotifications> logger)
{
    public event Action? AlertsChanged;

    internal void Raise() => Subscribers.Notify(AlertsChanged, handler => handler(), logger, "alert changes");
}

internal sealed class AlertChangeListener(AlertNotifications notifications) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(commit);
        // Every kind of alert, a second-factor lock-out included, is raised by its SecurityAlertRaised.
        if (commit.GetEvents().Any(e => e.Data is SecurityAlertRaised or AlertAcknowledged or AlertAssigned or AlertClosed))
            notifications.Raise();
        return Task.CompletedTask;
    }
}

internal sealed class AlertNotificationsConfiguration : IConfigureMarten
{
    public void Configure(IServiceProvider services, StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Listeners.Add(new AlertChangeListener(services.GetRequiredService<AlertNotifications>()));
    }
}
