using System.Security.Cryptography;
using System.Text;
using Console.Workflows.Inventory;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Protecting;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Snapshots.SnapshotStates;

namespace Console.UnitTests.Workflows.Snapshots.Protecting;

/// <summary>The manifest's canonical bytes, its signature and <see cref="ManifestVerification.VerifyManifest"/>, without a database.</summary>
public sealed class SnapshotManifestTests : IDisposable
{
    private readonly EcdsaManifestSigner _signer = new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    private (Snapshot Snapshot, SnapshotProtected Protection) Protected(params Sensitivity[] sensitivities)
    {
        var taken = Taken(sensitivities);
        // One data key per trust domain among the components, listed partner first to show order does not matter.
        ManifestKey[] keys = [.. taken.Components.Select(c => c.TrustDomainId).Distinct().OrderDescending()
            .Select(d => new ManifestKey(d, d == CoreDomain ? "dk-core" : "dk-partner", "kek"))];
        var protection = SnapshotProtection.Protect(taken, 3, keys, _signer, taken.At);
        return (Available(taken).Apply(protection), protection);
    }

    [Fact]
    public void CanonicalBytes_DoNotDependOnTheOrderOfListsOrTheOffsetOfTimes()
    {
        var (_, protection) = Protected(Sensitivity.Public, Sensitivity.Critical);
        var m = protection.Manifest;
        var reordered = m with
        {
            Components = [.. m.Components.Reverse()],
            Keys = [.. m.Keys.Reverse()],
            ApprovedBy = [.. m.ApprovedBy.Reverse()],
            CompletedAt = m.CompletedAt.ToOffset(TimeSpan.FromHours(2)),
        };

        reordered.CanonicalBytes().ShouldBe(m.CanonicalBytes());
        var text = Encoding.UTF8.GetString(m.CanonicalBytes());
        text.ShouldStartWith("{\"type\":\"vnf-console/snapshot-manifest\",\"format\":1,");
        text.ShouldContain("\"stateEpoch\":3");
        text.ShouldContain("\"completedAt\":\"2026-03-01T12:00:00.0000000Z\"");
        text.ShouldContain($"\"keys\":[{{\"trustDomainId\":\"{CoreDomain:D}\",\"keyId\":\"dk-core\"");
    }

    [Fact]
    public void VerifyManifest_AsSigned_Passes()
    {
        var (snapshot, protection) = Protected(Sensitivity.Public, Sensitivity.Internal);

        ManifestVerification.VerifyManifest(snapshot, protection, snapshot.ContentDigest, _signer).Passed.ShouldBeTrue();
    }

    [Fact]
    public void ManifestTamper_ChangedArtefactDigest_IsRefusedWithTheDigests()
    {
        var (snapshot, protection) = Protected(Sensitivity.Public);

        var check = ManifestVerification.VerifyManifest(snapshot, protection, "sha256:other", _signer);

        check.Problems.ShouldHaveSingleItem().ShouldBe(
            "The artefact's digest sha256:other differs from the signed digest sha256:abc: its content changed after the snapshot was taken.");
    }

    [Fact]
    public void ManifestTamper_ChangedSignature_IsRefused()
    {
        var (snapshot, protection) = Protected(Sensitivity.Public);
        var other = Protected(Sensitivity.Internal).Protection;

        ManifestVerification.VerifyManifest(snapshot, protection with { Signature = other.Signature }, snapshot.ContentDigest, _signer)
            .Problems.ShouldHaveSingleItem().ShouldContain("signature does not match the manifest");
        ManifestVerification.VerifyManifest(snapshot, protection with { Signature = "not base64!" }, snapshot.ContentDigest, _signer)
            .Problems.ShouldHaveSingleItem().ShouldBe("The manifest signature is not valid base64.");
    }

    [Theory]
    [InlineData("sensitivity")]
    [InlineData("epoch")]
    [InlineData("approvers")]
    [InlineData("key")]
    public void ManifestTamper_ChangedManifestField_IsRefused(string field)
    {
        var (snapshot, protection) = Protected(Sensitivity.Critical, Sensitivity.Public);
        var m = protection.Manifest;
        var changed = field switch
        {
            "sensitivity" => m with { Components = [m.Components[0] with { Sensitivity = Sensitivity.Public }, .. m.Components.Skip(1)] },
            "epoch" => m with { StateEpoch = 2 },
            "approvers" => m with { ApprovedBy = ["mallory"] },
            _ => m with { Keys = [m.Keys[0] with { KeyId = "dk-forged" }, .. m.Keys.Skip(1)] },
        };

        var check = ManifestVerification.VerifyManifest(snapshot, protection with { Manifest = changed }, snapshot.ContentDigest, _signer);

        check.Passed.ShouldBeFalse();
        check.Problems.ShouldContain(p => p.Contains("signature does not match the manifest"));
    }

    [Fact]
    public void ManifestTamper_SnapshotRecordChangedButNotTheManifest_IsRefused()
    {
        var (snapshot, protection) = Protected(Sensitivity.Public, Sensitivity.Internal);
        var altered = snapshot with { ContentDigest = "sha256:swapped", Keys = [.. snapshot.Keys.Take(1)] };

        var problems = ManifestVerification.VerifyManifest(altered, protection, "sha256:abc", _signer).Problems;

        problems.ShouldContain("The manifest's content digest (sha256:abc) differs from the snapshot's record (sha256:swapped).");
        problems.ShouldContain(p => p.StartsWith("The manifest's data keys"));
    }

    [Fact]
    public void VerifyManifest_WithoutAManifestOrWithoutAnArtefact_IsRefused()
    {
        var (snapshot, protection) = Protected(Sensitivity.Public);

        ManifestVerification.VerifyManifest(snapshot, null, snapshot.ContentDigest, _signer).Problems.Single().ShouldContain("no signed manifest");
        ManifestVerification.VerifyManifest(snapshot, protection, null, _signer).Problems.Single()
            .ShouldBe("The infrastructure holds no artefact for this snapshot.");
    }

    [Fact]
    public void Signer_RefusesAKeyThatIsNotP256()
    {
        Should.Throw<InvalidOperationException>(() => new EcdsaManifestSigner(ECDsa.Create(ECCurve.NamedCurves.nistP384)))
            .Message.ShouldContain("P-256");
    }

    public void Dispose() => _signer.Dispose();
}
