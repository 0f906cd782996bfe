using JasperFx.Events;
using Marten;

namespace Console.Workflows.Policy.Seeding;

/// <summary>Makes sure a policy is in force: appends revision 1 when the policy stream does not exist yet.</summary>
public static class PolicySeedHandler
{
    /// <summary>Returns whether it seeded. Idempotent, and safe when several nodes start at the same moment.</summary>
    public static async Task<bool> EnsureSeededAsync(IDocumentStore store, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(time);
        await using var session = store.LightweightSession();
        if (await session.Events.FetchStreamStateAsync(ApprovalPolicy.StreamId, ct) is not null)
            return false;

        session.Events.StartStream<ApprovalPolicy>(ApprovalPolicy.StreamId, PolicySeed.FirstRevision(time.GetUtcNow()));
        try
        {
            await session.SaveChangesAsync(ct);
            return true;
        }
        catch (Exception ex) when (ex is ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException
            || ex.InnerException is ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException)
        {
            // Another node seeded at the same moment; its revision 1 is the same default.
            return false;
        }
    }
}
