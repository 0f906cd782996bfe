using Console.Workflows.Common;
using JasperFx;
using JasperFx.Events;
using Marten;
using Npgsql;

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

internal static class InventorySaving
{
    /// <summary>
    /// Saves the appended events. Losing a race is not an error of the person's input: a concurrent append becomes a
    /// Conflict, and a name claimed between our look-up and the save (the unique index) becomes a field message.
    /// </summary>
    public static async Task<Outcome> SaveAsync(IDocumentSession session, Guid id, string nameField, string what, CancellationToken ct)
    {
        try
        {
            await session.SaveChangesAsync(ct);
            return Outcome.Done(id);
        }
        catch (Exception ex) when (IsConcurrency(ex))
        {
            return Outcome.Refused(Refusal.Because(
                $"Someone else changed this {what} at the same moment. Reload it and apply your change again.",
                RefusalKind.Conflict));
        }
        catch (Exception ex) when (IsUniqueViolation(ex))
        {
            return Outcome.Refused(InventoryGuards.NameInUse(nameField, what));
        }
    }

    private static bool IsConcurrency(Exception ex) =>
        ex is ConcurrencyException or EventStreamUnexpectedMaxEventIdException or ExistingStreamIdCollisionException
            or Marten.Exceptions.ExistingStreamIdCollisionException
        || (ex.InnerException is { } inner && IsConcurrency(inner));

    private static bool IsUniqueViolation(Exception ex) =>
        ex is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation }
        || (ex.InnerException is { } inner && IsUniqueViolation(inner));
}
