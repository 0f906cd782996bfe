using Console.Workflows.Continuity;
using Marten;

namespace Console.Workflows.Alerts;

/// <summary>How alerts stand: the shell's badge and the alerts page read this.</summary>
public interface IAlertReader
{
    /// <summary>Fork and refused-evidence alerts nobody has closed.</summary>
    Task<long> OpenCountAsync(CancellationToken ct = default);

    /// <summary>The handling of these alerts (one without a stream, from before alerts were events, is absent: open, unassigned).</summary>
    Task<IReadOnlyDictionary<Guid, AlertHandling>> HandlingAsync(IReadOnlyCollection<Guid> alertIds, CancellationToken ct = default);
}

public sealed class MartenAlertReader(IQuerySession session) : IAlertReader
{
    public async Task<long> OpenCountAsync(CancellationToken ct = default)
    {
        var all = await session.Query<SecurityAlert>().CountAsync(ct);
        var closed = await session.Query<AlertHandling>().CountAsync(h => h.State == AlertState.Closed, ct);
        return Math.Max(0, all - closed);
    }

    public async Task<IReadOnlyDictionary<Guid, AlertHandling>> HandlingAsync(IReadOnlyCollection<Guid> alertIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(alertIds);
        if (alertIds.Count == 0)
            return new Dictionary<Guid, AlertHandling>();
        return (await session.LoadManyAsync<AlertHandling>(ct, alertIds)).ToDictionary(h => h.Id);
    }
}
