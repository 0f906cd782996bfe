using Console.Workflows.Common;
using Marten;

namespace Console.Workflows.Notifications.ChoosingChannels;

/// <summary>The Wolverine handler: role table and checks in the decider, the person's own profile stream, append.</summary>
public static class ChooseNotificationChannelsHandler
{
    public static async Task<Outcome> Handle(
        ChooseNotificationChannelsBy message, IDocumentSession session, NotificationOptions options, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(options);
        var id = NotificationProfile.IdFor(message.Actor.UserId);
        var stream = await session.Events.FetchForWriting<NotificationProfile>(id, ct);
        var decision = ChooseNotificationChannelsDecider.Decide(
            message.Command, stream.Aggregate, options.WebhookRules, message.Actor, time.GetUtcNow());
        if (decision.Refusal is { } refusal)
            return Outcome.Refused(refusal);
        stream.AppendMany(decision.Events);
        return Outcome.Done(id);
    }
}
