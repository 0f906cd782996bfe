using Console.Workflows.Audit.Access;
using Console.Workflows.Common;

namespace Console.UnitTests.Workflows.Audit.Access;

/// <summary>An access journal that keeps what it was told, for tests of the layers that record access facts.</summary>
public sealed class RecordingAccessJournal : IAccessJournal
{
    public List<(string UserId, string Operation, string Resource, string Reason)> Refusals { get; } = [];

    public List<(string UserId, string Name, string Provider, string? Address)> SignIns { get; } = [];

    public Task SignedInAsync(Actor actor, string provider, string? remoteAddress, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        SignIns.Add((actor.UserId, actor.DisplayName, provider, remoteAddress));
        return Task.CompletedTask;
    }

    public Task RefusedAsync(Actor actor, string operation, string resource, string reason, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        Refusals.Add((actor.UserId, operation, resource, reason));
        return Task.CompletedTask;
    }
}
