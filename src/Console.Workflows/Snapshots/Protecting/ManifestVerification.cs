namespace Console.Workflows.Snapshots.Protecting;

/// <summary>The result of checking a snapshot's manifest; <see cref="Problems"/> say what is wrong, in words.</summary>
public sealed record ManifestCheck(IReadOnlyList<string> Problems)
{
    public bool Passed => Problems.Count == 0;

    public static ManifestCheck Good { get; } = new([]);
}

/// <summary>
/// Whether a snapshot may be trusted: its manifest carries a good signature by the console's key, says what the
/// snapshot record says, and the artefact the infrastructure holds has the digest the manifest signed.
/// </summary>
public static class ManifestVerification
{
    /// <param name="snapshot">The snapshot as recorded.</param>
    /// <param name="protection">The manifest and signature from the snapshot's stream; null when it has none.</param>
    /// <param name="artefactDigest">The digest of the artefact as the infrastructure holds it now; null when it holds none.</param>
    /// <param name="signer">The console's manifest-signing key, to check the signature with.</param>
    public static ManifestCheck VerifyManifest(Snapshot snapshot, SnapshotProtected? protection, string? artefactDigest, IManifestSigner signer)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ArgumentNullException.ThrowIfNull(signer);
        if (protection is null)
            return new(["This snapshot has no signed manifest (it was taken before snapshots were protected), so it cannot be trusted for a restore."]);

        var problems = new List<string>();
        var manifest = protection.Manifest;
        if (signer.Problem(manifest, protection.Signature, protection.SigningKeyId) is { } signatureProblem)
            problems.Add(signatureProblem);

        void Differs(string what, object? signed, object? recorded)
        {
            if (!Equals(signed, recorded))
                problems.Add($"The manifest's {what} ({signed}) differs from the snapshot's record ({recorded}).");
        }

        Differs("snapshot id", manifest.SnapshotId, snapshot.Id);
        Differs("VNF", manifest.VnfId, snapshot.VnfId);
        Differs("content digest", manifest.ContentDigest, snapshot.ContentDigest);
        Differs("artefact location", manifest.ArtefactLocation, snapshot.ArtefactLocation);
        Differs("requester", manifest.RequestedBy, snapshot.RequestedBy);
        Differs("completion time", manifest.CompletedAt, snapshot.CompletedAt);
        Differs("components", Describe(manifest.Components.Select(c => $"{c.ComponentId}:{c.Sensitivity}:{c.TrustDomainId}")),
            Describe(snapshot.Components.Select(c => $"{c.ComponentId}:{c.Sensitivity}:{c.TrustDomainId}")));
        Differs("data keys", Describe(manifest.Keys.Select(k => $"{k.TrustDomainId}:{k.KeyId}")),
            Describe(snapshot.Keys.Select(k => $"{k.TrustDomainId}:{k.KeyId}")));
        var domains = manifest.Components.Select(c => c.TrustDomainId).Distinct().Order().ToList();
        if (!domains.SequenceEqual(manifest.Keys.Select(k => k.TrustDomainId).Distinct().Order()))
            problems.Add("The manifest does not name exactly one data key for each trust domain among its components.");

        if (artefactDigest is null)
            problems.Add("The infrastructure holds no artefact for this snapshot.");
        else if (!string.Equals(artefactDigest, manifest.ContentDigest, StringComparison.Ordinal))
            problems.Add($"The artefact's digest {artefactDigest} differs from the signed digest {manifest.ContentDigest}: its content changed after the snapshot was taken.");
        return problems.Count == 0 ? ManifestCheck.Good : new ManifestCheck(problems);
    }

    private static string Describe(IEnumerable<string> items) => string.Join(", ", items.Order(StringComparer.Ordinal));
}
