using Console.Workflows.Audit.Integrity.Chaining;
using Marten;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Audit.Integrity;

/// <summary>
/// Tells open pages (the alert banner, the integrity page) on this node that the integrity stream changed. Subscribers
/// run on the committing thread: they should only schedule a refresh.
/// </summary>
public sealed class IntegrityNotifications(ILogger<IntegrityNotifications> logger)
{
    public event Action? StatusChanged;

    internal void Raise()
    {
        var handlers = StatusChanged;
        if (handlers is null)
            return;
        foreach (var handler in handlers.GetInvocationList().Cast<Action>())
        {
            try
            {
                handler();
            }
#pragma warning disable CA1031 // one broken page must not stop the others hearing of the change, nor fail the commit
            catch (Exception ex)
#pragma warning restore CA1031
            {
                logger.LogWarning(ex, "A subscriber to integrity status changes failed");
            }
        }
    }
}

/// <summary>
/// After each commit: wakes the chain writer when events were appended (it then chains them within a poll interval at
/// most, without adding anything to the append itself), and raises <see cref="IntegrityNotifications"/> when the
/// integrity stream changed.
/// </summary>
internal sealed class AuditCommitListener(ChainSignal signal, IntegrityNotifications notifications) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        ArgumentNullException.ThrowIfNull(commit);
        var events = commit.GetEvents().ToList();
        if (events.Count == 0)
            return Task.CompletedTask;
        signal.Poke();
        if (events.Any(e => e.StreamId == IntegrityStatus.StreamId))
            notifications.Raise();
        return Task.CompletedTask;
    }
}

internal sealed class AuditListenerConfiguration : IConfigureMarten
{
    public void Configure(IServiceProvider services, StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Listeners.Add(new AuditCommitListener(
            services.GetRequiredService<ChainSignal>(), services.GetRequiredService<IntegrityNotifications>()));
    }
}
