using Console.Workflows.Notifications.Planning;
using Console.Workflows.Requests;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Wolverine;
using Wolverine.Marten.Subscriptions;
using Wolverine.Runtime;

namespace Console.Workflows.Notifications.Relaying;

/// <summary>
/// Tells people of request events a page of the projection daemon at a time: the page's requests, the people and the
/// notices already recorded are read once per page, the notices and their deliveries are stored in the transaction
/// that moves the subscription on (the outbox commits there too), and a request event nobody is to hear of stores
/// nothing. It replaced one stored, handled and deleted <see cref="NotifyRequest"/> message per event (three per
/// request): what people are told, and the guarantees (nothing for a change that rolled back; a change committed
/// while no node ran is told later; a repeated page tells nobody twice) are the same.
/// </summary>
public sealed class RequestNoticeRelay : BatchSubscription
{
    public const string Name = "request-notifications";

    /// <summary>The relay that carried request events before this one, and still carries alerts.</summary>
    public const string OldRelay = NotificationsRegistration.AlertRelay;

    private readonly NotificationOptions _options;

    public RequestNoticeRelay(NotificationOptions options) : base(Name)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        IncludeType<RequestSubmitted>();
        IncludeType<RequestAmended>();
        IncludeType<RequestApproved>();
        IncludeType<RequestRejected>();
        IncludeType<ExecutionCompleted>();
        IncludeType<ExecutionFailed>();
        // From the present: a new installation does not tell anyone of its whole past.
        Options.SubscribeFromPresent();
    }

    /// <summary>
    /// Until 2026-12-05 request events went out through the <see cref="OldRelay"/> relay (which now carries alerts only).
    /// A new subscription starts from the present, which would skip the request events that relay had not taken yet when
    /// the old nodes stopped. So before the daemon first runs this relay, it is given that relay's position: it goes on
    /// where the other stopped. Once it has a position of its own, or on an installation without the old relay, this
    /// changes nothing. Returns whether it took the position over.
    /// </summary>
    public static async Task<bool> ContinueWhereTheOldRelayStoppedAsync(IDocumentStore store, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var progression = $"{store.Options.Events.DatabaseSchemaName}.mt_event_progression";
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"insert into {progression} (name, last_seq_id, last_updated) " +
            $"select @name, last_seq_id, now() from {progression} where name = @old on conflict (name) do nothing", connection);
        command.Parameters.AddWithValue("name", new ShardName(Name).Identity);
        command.Parameters.AddWithValue("old", new ShardName(OldRelay).Identity);
        return await command.ExecuteNonQueryAsync(ct) == 1;
    }

    /// <summary>The moments of a page's events people may be told of, in the order they were committed.</summary>
    public static IReadOnlyList<NotifyRequest> MomentsOf(IEnumerable<IEvent> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        return [.. events.Select(MomentOf).OfType<NotifyRequest>()];
    }

    private static NotifyRequest? MomentOf(IEvent e) => MomentOf(e.Data) is { } moment
        ? new NotifyRequest(e.StreamId, moment, RequestDescriptions.Of(e.Data), e.Id.ToString("N"))
        : null;

    private static RequestMoment? MomentOf(object data) => data switch
    {
        RequestSubmitted => RequestMoment.Submitted,
        RequestAmended => RequestMoment.Amended,
        RequestApproved => RequestMoment.Approved,
        RequestRejected => RequestMoment.Rejected,
        ExecutionCompleted => RequestMoment.Completed,
        ExecutionFailed => RequestMoment.Failed,
        _ => null,
    };

    public override async Task ProcessEventsAsync(
        EventRange page, ISubscriptionController controller, IDocumentOperations operations, IMessageBus bus, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(page);
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(bus);
        var moments = MomentsOf(page.Events);
        if (moments.Count == 0)
            return;
        // The daemon hands a session (Wolverine enlists its outbox in it) and the bus of the Wolverine runtime, whose
        // services hold the console's clock.
        if (operations is not IDocumentSession session || bus is not MessageContext { Runtime: { } runtime })
            throw new InvalidOperationException("The request notice relay runs only as a Wolverine subscription of Marten's daemon.");
        var now = runtime.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var logger = runtime.Services.GetRequiredService<ILogger<RequestNoticeRelay>>();
        // A request the planner fails on (a defect) is set aside as the daemon's dead letter, logged, and the page goes
        // on: one bad request must not hold up everyone's notices behind it, as a failing page would.
        await NotifyHandler.TellAsync(session, bus, moments, _options, now, async (moment, error) =>
        {
            logger.LogError(error, "The notices of request {RequestId} ({Moment}) could not be planned; the event is kept as a dead letter",
                moment.RequestId, moment.Moment);
            await controller.RecordDeadLetterEventAsync(page.Events.First(e => e.Id.ToString("N") == moment.Cause), error);
        }, cancellationToken);
    }
}
