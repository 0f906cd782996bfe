using Console.Workflows.Notifications.Planning;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Wolverine;
using Wolverine.Configuration;
using Wolverine.ErrorHandling;
using Wolverine.Runtime;
using Wolverine.Runtime.Handlers;

namespace Console.Workflows.Notifications.Delivering;

/// <summary>Send one recorded notice through one channel (a durable message: a restart or a failed attempt loses nothing).</summary>
public sealed record DeliverNotice(Guid NoticeId, NoticeChannel Channel);

public static class DeliverNoticeHandler
{
    /// <summary>Failures are retried from the durable schedule; after the last, the notice shows the channel as failed.</summary>
    public static void ConfigureFailures(HandlerChain chain, NotificationOptions options)
    {
        ArgumentNullException.ThrowIfNull(chain);
        ArgumentNullException.ThrowIfNull(options);
        chain.OnException(ex => ex is not OperationCanceledException, "delivery failed")
            .ScheduleRetry([.. options.Retries])
            .Then.CustomAction(RecordGivingUpAsync, "record the delivery as failed");
    }

    public static async Task Handle(
        DeliverNotice message, IDocumentSession session, IEnumerable<INoticeChannel> channels, TimeProvider time, Envelope envelope,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(envelope);
        var notice = await session.LoadAsync<Notice>(message.NoticeId, ct);
        var delivery = notice?.Deliveries.FirstOrDefault(d => d.Channel == message.Channel);
        if (notice is null || delivery is not { Status: DeliveryStatus.Pending, Address: { } address })
            return;

        var channel = channels.FirstOrDefault(c => c.Channel == message.Channel);
        var result = channel is null
            ? ChannelResult.NotConfigured($"This console has no {message.Channel} channel configured; the notice is recorded here only.")
            : await channel.SendAsync(notice, address, ct);
        var attempts = Math.Max(1, envelope.Attempts);
        session.Store(notice.With(message.Channel, d => d with
        {
            Status = result.Status, Detail = result.Detail, At = time.GetUtcNow(),
            Attempts = attempts,
        }));
    }

    private static async ValueTask RecordGivingUpAsync(IWolverineRuntime runtime, IEnvelopeLifecycle lifecycle, Exception ex)
    {
        if (lifecycle.Envelope?.Message is DeliverNotice message)
        {
            var services = runtime.Services;
            services.GetRequiredService<ILogger<DeliverNotice>>().LogWarning(
                ex, "Giving up notice {NoticeId} on {Channel}", message.NoticeId, message.Channel);
            await using var session = services.GetRequiredService<IDocumentStore>().LightweightSession();
            if (await session.LoadAsync<Notice>(message.NoticeId) is { } notice)
            {
                var attempts = lifecycle.Envelope.Attempts;
                session.Store(notice.With(message.Channel, d => d with
                {
                    Status = DeliveryStatus.Failed, Detail = $"Gave up after {attempts} attempts: {ex.Message}",
                    At = services.GetRequiredService<TimeProvider>().GetUtcNow(), Attempts = attempts,
                }));
                await session.SaveChangesAsync();
            }
        }

        await lifecycle.CompleteAsync();
    }
}

/// <summary>Applies <see cref="DeliverNoticeHandler.ConfigureFailures"/> with the configured delays.</summary>
internal sealed class DeliveryFailurePolicy(NotificationOptions options) : IHandlerPolicy
{
    public void Apply(IReadOnlyList<HandlerChain> chains, JasperFx.CodeGeneration.GenerationRules rules, JasperFx.IServiceContainer container)
    {
        foreach (var chain in chains.Where(c => c.MessageType == typeof(DeliverNotice)))
            DeliverNoticeHandler.ConfigureFailures(chain, options);
    }
}
