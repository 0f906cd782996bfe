using Console.Workflows.Common;
using Marten;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Audit.Access;

/// <summary>Appends each access fact as the first event of a new stream (a version 7 id, so streams sort by time).</summary>
public sealed class MartenAccessJournal(IDocumentStore store, TimeProvider time, ILogger<MartenAccessJournal> logger) : IAccessJournal
{
    /// <summary>The same refusal is recorded at most once a minute; the repeats are counted on the next record.</summary>
    public static readonly TimeSpan RepeatWindow = TimeSpan.FromMinutes(1);

    private readonly RefusalThrottle _throttle = new(RepeatWindow);

    public async Task SignedInAsync(Actor actor, string provider, string? remoteAddress, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var now = time.GetUtcNow();
        await AppendAsync(new SignedIn(actor.UserId, actor.DisplayName, [.. actor.Roles.Order(StringComparer.Ordinal)], provider, remoteAddress, now), now, ct);
    }

    public async Task RefusedAsync(Actor actor, string operation, string resource, string reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var now = time.GetUtcNow();
        var decision = _throttle.Decide(actor.UserId, operation, resource, now);
        if (decision.Kind == RefusalRecording.Suppress)
        {
            logger.LogWarning("Repeated refusal of {UserId} at {Operation} on {Resource} within a minute; counted on the next record",
                actor.UserId, operation, resource);
            return;
        }

        try
        {
            await AppendAsync(
                new AccessRefused(actor.UserId, operation, resource, reason, now) {
                    DisplayName = actor.DisplayName,
                    RepeatsBefore = decision.RepeatsBefore,
                    SuppressedBefore = decision.SuppressedBefore,
                    CapReached = decision.Kind == RefusalRecording.Summary,
                },
                now, ct);
        }
#pragma warning disable CA1031 // the refusal itself must still reach the person; losing the record is logged loudly
        catch (Exception ex) when (ex is not OperationCanceledException)
#pragma warning restore CA1031
        {
            logger.LogError(ex, "Could not record the refused attempt of {UserId} at {Operation} on {Resource}", actor.UserId, operation, resource);
        }
    }

    private async Task AppendAsync(object accessEvent, DateTimeOffset now, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.Events.StartStream(Guid.CreateVersion7(now), accessEvent);
        await session.SaveChangesAsync(ct);
    }
}
