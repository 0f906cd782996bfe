using Console.Workflows.Continuity.Tracking;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.Seeding;
using Marten;

namespace Console.Workflows.Continuity.Seeding;

/// <summary>
/// KI#13 for the demo inventory: which network functions verify which (the service-based interfaces over which one
/// relies on the other's integrity). Declared once, on the verifier's continuity stream, when both VNFs exist.
/// </summary>
public static class TrustRelationshipSeed
{
    public const string By = "system:seed";

    internal static IReadOnlyList<(string Verifier, string Subject, string Purpose)> Relationships { get; } =
    [
        ("amf-fra-01", "ausf-fra-01", "UE authentication over N12"),
        ("amf-fra-01", "smf-fra-01", "PDU session management over N11"),
        ("smf-fra-01", "upf-fra-01", "User-plane control over N4 (PFCP)"),
        ("ausf-fra-01", "udm-fra-01", "Authentication vectors over N13"),
        ("udm-fra-01", "udr-fra-01", "Subscription data over N35"),
        ("nrf-fra-01", "amf-fra-01", "NF registration and OAuth2 access tokens"),
        ("amf-fra-02", "ausf-fra-02", "UE authentication over N12"),
        ("amf-fra-02", "smf-fra-02", "PDU session management over N11"),
        ("ausf-fra-02", "udm-fra-02", "Authentication vectors over N13"),
        ("udm-fra-02", "udr-fra-02", "Subscription data over N35"),
        ("amf-muc-01", "smf-muc-01", "PDU session management over N11"),
        ("smf-muc-01", "upf-muc-01", "User-plane control over N4 (PFCP)"),
    ];

    /// <summary>Declares the demo relationships whose VNFs both exist and are not declared yet. Returns how many it declared.</summary>
    public static async Task<int> EnsureDeclaredAsync(IDocumentStore store, IContinuityService continuity, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(continuity);
        var ids = Relationships.SelectMany(r => new[] { r.Verifier, r.Subject }).Distinct().Select(InventorySeed.VnfId).ToArray();
        HashSet<Guid> present;
        await using (var query = store.QuerySession())
            present = [.. (await query.LoadManyAsync<Vnf>(ct, ids)).Select(v => v.Id)];

        var declared = 0;
        foreach (var (verifier, subject, purpose) in Relationships)
        {
            var (verifierId, subjectId) = (InventorySeed.VnfId(verifier), InventorySeed.VnfId(subject));
            if (!present.Contains(verifierId) || !present.Contains(subjectId))
                continue;
            await using (var query = store.QuerySession())
            {
                var state = await query.LoadAsync<VnfContinuity>(VnfContinuity.StreamIdFor(verifierId), ct);
                if (state?.Verifies.Any(r => r.SubjectVnfId == subjectId) == true)
                    continue;
            }

            if (await continuity.DeclareTrustAsync(verifierId, subjectId, purpose, By, ct) is null)
                declared++;
        }

        return declared;
    }
}
