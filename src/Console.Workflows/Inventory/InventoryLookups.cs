using Console.Workflows.Common;
using Marten;

namespace Console.Workflows.Inventory;

/// <summary>The document look-ups handlers make before they decide, so the decide functions stay pure.</summary>
internal static class InventoryLookups
{
    public static Task<bool> TrustDomainNameTakenAsync(IQuerySession session, string? name, Guid excludingId, CancellationToken ct)
    {
        var clean = Text.Clean(name);
        return session.Query<TrustDomain>()
            .AnyAsync(x => x.Name.Equals(clean, StringComparison.OrdinalIgnoreCase) && x.Id != excludingId, ct);
    }

    public static Task<bool> EnvironmentNameTakenAsync(IQuerySession session, string? name, Guid excludingId, CancellationToken ct)
    {
        var clean = Text.Clean(name);
        return session.Query<ExecutionEnvironment>()
            .AnyAsync(x => x.Name.Equals(clean, StringComparison.OrdinalIgnoreCase) && x.Id != excludingId, ct);
    }

    public static Task<bool> VnfNameTakenAsync(IQuerySession session, string? name, Guid excludingId, CancellationToken ct)
    {
        var clean = Text.Clean(name);
        return session.Query<Vnf>()
            .AnyAsync(x => x.Name.Equals(clean, StringComparison.OrdinalIgnoreCase) && x.Id != excludingId, ct);
    }

    public static async Task<IReadOnlySet<Guid>> EnvironmentIdsAsync(IQuerySession session, CancellationToken ct) =>
        (await session.Query<ExecutionEnvironment>().Select(x => x.Id).ToListAsync(ct)).ToHashSet();

    public static async Task<IReadOnlySet<Guid>> TrustDomainIdsAsync(IQuerySession session, CancellationToken ct) =>
        (await session.Query<TrustDomain>().Select(x => x.Id).ToListAsync(ct)).ToHashSet();

    /// <summary>Names by id, for the before/after of a guard change.</summary>
    public static async Task<IReadOnlyDictionary<Guid, string>> TrustDomainNamesAsync(IQuerySession session, CancellationToken ct) =>
        (await session.Query<TrustDomain>().ToListAsync(ct)).ToDictionary(x => x.Id, x => x.Name);

    public static async Task<IReadOnlyDictionary<Guid, string>> EnvironmentAndTrustDomainNamesAsync(IQuerySession session, CancellationToken ct)
    {
        var names = new Dictionary<Guid, string>(await TrustDomainNamesAsync(session, ct));
        foreach (var environment in await session.Query<ExecutionEnvironment>().ToListAsync(ct))
            names[environment.Id] = environment.Name;
        return names;
    }
}
