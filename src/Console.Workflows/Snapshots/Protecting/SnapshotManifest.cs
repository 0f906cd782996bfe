using System.Globalization;
using System.Text.Json;
using Console.Workflows.Inventory;

namespace Console.Workflows.Snapshots.Protecting;

/// <summary>A component in the manifest: the trust domain and sensitivity it had when captured.</summary>
public sealed record ManifestComponent(Guid ComponentId, string Name, Sensitivity Sensitivity, Guid TrustDomainId);

/// <summary>The data key of one trust domain's part of the artefact, and the key-encryption key that wraps it.</summary>
public sealed record ManifestKey(Guid TrustDomainId, string KeyId, string KekId);

/// <summary>
/// What a snapshot is, signed by the console at completion: the VNF and the persistent-state epoch captured, each
/// component with its trust domain and sensitivity, the artefact's content digest, who asked and who approved, when it
/// completed, and the data keys per trust domain. Restore trusts a snapshot only if this verifies.
/// </summary>
public sealed record SnapshotManifest(
    int Format,
    Guid SnapshotId,
    Guid VnfId,
    string VnfName,
    long StateEpoch,
    IReadOnlyList<ManifestComponent> Components,
    Guid RequestId,
    Guid EnvironmentId,
    string ArtefactLocation,
    string ContentDigest,
    long SizeBytes,
    string RequestedBy,
    IReadOnlyList<string> ApprovedBy,
    DateTimeOffset CompletedAt,
    IReadOnlyList<ManifestKey> Keys)
{
    public const int CurrentFormat = 1;

    private const string Domain = "vnf-console/snapshot-manifest";

    /// <summary>
    /// The exact bytes that are signed: compact JSON with a fixed member order, lists in a fixed order (components by
    /// id, keys by trust domain, approvers by name), times in UTC with seven fraction digits. Two manifests with the same
    /// content give the same bytes on every machine, whatever order their lists were built in.
    /// </summary>
    public byte[] CanonicalBytes()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = false }))
        {
            json.WriteStartObject();
            json.WriteString("type", Domain);
            json.WriteNumber("format", Format);
            json.WriteString("snapshotId", SnapshotId.ToString("D"));
            json.WriteString("vnfId", VnfId.ToString("D"));
            json.WriteString("vnfName", VnfName);
            json.WriteNumber("stateEpoch", StateEpoch);
            json.WriteStartArray("components");
            foreach (var c in Components.OrderBy(c => c.ComponentId))
            {
                json.WriteStartObject();
                json.WriteString("id", c.ComponentId.ToString("D"));
                json.WriteString("name", c.Name);
                json.WriteString("sensitivity", c.Sensitivity.ToString());
                json.WriteString("trustDomainId", c.TrustDomainId.ToString("D"));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("requestId", RequestId.ToString("D"));
            json.WriteString("environmentId", EnvironmentId.ToString("D"));
            json.WriteString("artefactLocation", ArtefactLocation);
            json.WriteString("contentDigest", ContentDigest);
            json.WriteNumber("sizeBytes", SizeBytes);
            json.WriteString("requestedBy", RequestedBy);
            json.WriteStartArray("approvedBy");
            foreach (var approver in ApprovedBy.Order(StringComparer.Ordinal))
                json.WriteStringValue(approver);
            json.WriteEndArray();
            json.WriteString("completedAt", Utc(CompletedAt));
            json.WriteStartArray("keys");
            foreach (var k in Keys.OrderBy(k => k.TrustDomainId).ThenBy(k => k.KeyId, StringComparer.Ordinal))
            {
                json.WriteStartObject();
                json.WriteString("trustDomainId", k.TrustDomainId.ToString("D"));
                json.WriteString("keyId", k.KeyId);
                json.WriteString("kekId", k.KekId);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static string Utc(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);

    /// <summary>The manifest of a snapshot as taken, with the epoch captured and the data keys made for it.</summary>
    public static SnapshotManifest For(SnapshotTaken taken, long stateEpoch, IReadOnlyList<ManifestKey> keys)
    {
        ArgumentNullException.ThrowIfNull(taken);
        ArgumentNullException.ThrowIfNull(keys);
        return new SnapshotManifest(
            CurrentFormat, taken.SnapshotId, taken.VnfId, taken.VnfName, stateEpoch,
            [.. taken.Components.Select(c => new ManifestComponent(c.ComponentId, c.Name, c.Sensitivity, c.TrustDomainId))],
            taken.RequestId, taken.EnvironmentId, taken.ArtefactLocation, taken.ContentDigest, taken.SizeBytes,
            taken.RequestedBy, taken.ApprovedBy, taken.At, keys);
    }
}
