using Console.Workflows.Attestation;
using Console.Workflows.Audit.Integrity;
using Console.Workflows.Continuity;
using Console.Workflows.Notifications.ChoosingChannels;
using Console.Workflows.Notifications.Delivering;
using Console.Workflows.Notifications.Planning;
using Console.Workflows.Notifications.Relaying;
using Console.Workflows.Requests;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;
using Wolverine.Marten;

namespace Console.Workflows.Notifications;

/// <summary>
/// Notifications in one place: profiles and notices in Marten, the relay from the event store, the handlers, the
/// delivery queue with its retries and the recurring overdue check.
/// </summary>
public static class NotificationsRegistration
{
    public const string Queue = "notifications";

    /// <summary>The daemon's subscription that relays alerts (and, until 2026-12-05, request events) to the queue.</summary>
    public const string AlertRelay = "notifications";
    public const string OverdueSchedule = "notifications-overdue-check";

    internal static readonly Type[] Handlers = [typeof(ChooseNotificationChannelsHandler), typeof(NotifyHandler), typeof(DeliverNoticeHandler)];

    public static StoreOptions AddNotifications(this StoreOptions opts)
    {
        ArgumentNullException.ThrowIfNull(opts);
        opts.Projections.Snapshot<NotificationProfile>(SnapshotLifecycle.Inline);
        opts.Schema.For<NotificationProfile>().DocumentAlias("notification_profile");
        opts.Schema.For<Notice>().DocumentAlias("notice").Index(x => x.RecipientId).Index(x => x.At);
        opts.Schema.For<OverdueNoticeState>().DocumentAlias("overdue_notice_state");
        return opts;
    }

    /// <summary>
    /// Durable subscriptions of the projection daemon: what people are told of is relayed from committed events, so a
    /// notice is never sent for a change that rolled back, and one committed while no node ran is still sent later.
    /// They start from the present, so a new installation does not tell anyone of its whole past. Request events,
    /// three or more per request, are told a page at a time (<see cref="RequestNoticeRelay"/>); the rare alerts each
    /// go through a message of their own.
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression RelayEventsToNotifications(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(marten);
        marten.SubscribeToEvents(new RequestNoticeRelay(NotificationOptions.From(configuration)));
        marten.PublishEventsToWolverine(AlertRelay, relay =>
        {
            relay.Options.SubscribeFromPresent();
            relay.PublishEvent<ForkDetected>((e, bus) => bus.PublishAsync(new NotifyAlert(
                "fork or roll-back detected", e.Data.Detail, "/security/alerts", e.Id.ToString("N"))));
            relay.PublishEvent<Continuity.Reconciling.HostDriftDetected>((e, bus) => bus.PublishAsync(new NotifyAlert(
                $"host {e.Data.Host} differs from the inventory", e.Data.Detail, "/security/alerts", e.Id.ToString("N"))));
            relay.PublishEvent<InstanceInterrupted>((e, bus) => e.Data.Interruption != LifecycleInterruption.Crash
                ? ValueTask.CompletedTask
                : bus.PublishAsync(new NotifyAlert("a VNF instance crashed", $"Instance {e.Data.InstanceId:D} of VNF {e.Data.VnfId:D} ended without the console ending it ({e.Data.By}).",
                    "/security/alerts", e.Id.ToString("N"))));
            relay.PublishEvent<EvidenceVerified>((e, bus) => e.Data.Accepted
                ? ValueTask.CompletedTask
                : bus.PublishAsync(new NotifyAlert(
                    $"attestation evidence refused ({e.Data.Refusal})", e.Data.Detail, "/security/alerts", e.Id.ToString("N"))));
            relay.PublishEvent<Accounts.SecondFactorLockedOut>((e, bus) => bus.PublishAsync(new NotifyAlert(
                $"second-factor codes of {e.Data.UserName} locked after {e.Data.WrongCodes} wrong codes",
                $"Authenticator codes of {e.Data.UserName} are refused until {e.Data.Until.UtcDateTime:HH:mm:ss} UTC; the last wrong code was given by {e.Data.By} for {e.Data.UsedFor}.",
                "/security/alerts", e.Id.ToString("N"))));
            relay.PublishEvent<IntegrityVerificationFailed>((e, bus) => bus.PublishAsync(new NotifyAlert(
                "the audit log failed verification",
                $"{e.Data.BreaksFound} break(s) found; the first: {e.Data.FirstBreak.Kind} at position {e.Data.FirstBreak.Position}.",
                "/audit/integrity", e.Id.ToString("N"))));
        });
        return marten;
    }

    public static IServiceCollection AddNotificationServices(this IServiceCollection services, IConfiguration configuration)
    {
        var options = NotificationOptions.From(configuration);
        services.AddSingleton(options);
        services.AddSingleton<IWolverineExtension, NotificationsWolverine>();
        services.AddScoped<INotificationReader, MartenNotificationReader>();
        return services;
    }
}

/// <summary>The handlers, the delivery queue (durable, parallel, apart from commands) and the overdue schedule.</summary>
internal sealed class NotificationsWolverine(NotificationOptions options) : IWolverineExtension
{
    public void Configure(WolverineOptions opts)
    {
        foreach (var handler in NotificationsRegistration.Handlers)
            opts.Discovery.IncludeType(handler);
        opts.PublishMessage<DeliverNotice>().ToLocalQueue(NotificationsRegistration.Queue);
        opts.PublishMessage<NotifyRequest>().ToLocalQueue(NotificationsRegistration.Queue);
        opts.PublishMessage<NotifyAlert>().ToLocalQueue(NotificationsRegistration.Queue);
        opts.PublishMessage<EscalateRequest>().ToLocalQueue(NotificationsRegistration.Queue);
        opts.PublishMessage<CheckOverdueSnapshots>().ToLocalQueue(NotificationsRegistration.Queue);
        opts.LocalQueue(NotificationsRegistration.Queue).MaximumParallelMessages(4);
        opts.Policies.Add(new DeliveryFailurePolicy(options));
        opts.Schedules.ScheduleRecurring(NotificationsRegistration.OverdueSchedule, options.OverdueCheckCron, o => new CheckOverdueSnapshots(o));
    }
}
