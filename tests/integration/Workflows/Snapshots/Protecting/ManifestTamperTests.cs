using System.Security.Cryptography;
using System.Text.Json;
using Console.IntegrationTests.Infrastructure;
using Console.Nfv.Simulator;
using Console.Testing.Workflows.Common;
using Console.Workflows.Common;
using Console.Workflows.Nfv;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Protecting;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Snapshots.Protecting;

/// <summary>
/// The restore guard against tampering on the real stores: the artefact's content, the signed digest, the signature or
/// any manifest field changed after the snapshot was taken, each refused with its reason.
/// </summary>
public sealed class ManifestTamperTests(SnapshotLifecycleFixture fixture) : IClassFixture<SnapshotLifecycleFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => fixture.Host;

    private Task<RestoreCheck> CheckAsync(Guid id) => Host.Services.GetRequiredService<ISnapshotRestoreGuard>().CheckAsync(id, Ct);

    private async Task<Snapshot> TrustedSnapshotAsync()
    {
        var s = await SnapshotScenario.CreateAsync(Host);
        var snapshot = await s.TakePublicSnapshotAsync();
        var check = await CheckAsync(snapshot.Id);
        check.Problems.ShouldBeEmpty("a snapshot just taken must pass the restore guard");
        check.HasManifest.ShouldBeTrue();
        check.SignatureProblem.ShouldBeNull();
        return snapshot;
    }

    /// <summary>Changes the stored SnapshotProtected event, as someone with write access to the database could.</summary>
    private async Task TamperManifestEventAsync(Guid snapshotId, string path, string jsonValue)
    {
        await using var connection = new NpgsqlConnection(fixture.Database.AdminConnectionString);
        await connection.OpenAsync(Ct);
        await using var update = new NpgsqlCommand(
            // As a database administrator would: past the append-only trigger of the tamper-evident log.
            "set session_replication_role = replica; update mt_events set data = jsonb_set(data, @path::text[], @value::jsonb, false) where stream_id = @id and type = 'snapshot_protected'",
            connection);
        update.Parameters.AddWithValue("path", path);
        update.Parameters.AddWithValue("value", jsonValue);
        update.Parameters.AddWithValue("id", snapshotId);
        (await update.ExecuteNonQueryAsync(Ct)).ShouldBe(1);
    }

    [Fact]
    public async Task ManifestTamper_ArtefactContentChanged_DigestNoLongerMatches_Refused()
    {
        var snapshot = await TrustedSnapshotAsync();
        await using (var session = Host.Store.LightweightSession())
        {
            var artefact = (await session.LoadAsync<SimulatedSnapshotArtefact>(snapshot.Id, Ct)).ShouldNotBeNull();
            var part = artefact.Parts[0];
            var changed = part.Ciphertext.ToArray();
            changed[0] ^= 0xFF;
            session.Store(artefact with { Parts = [part with { Ciphertext = changed }, .. artefact.Parts.Skip(1)] });
            await session.SaveChangesAsync(Ct);
        }

        var check = await CheckAsync(snapshot.Id);

        check.Allowed.ShouldBeFalse();
        check.SignatureProblem.ShouldBeNull();
        check.Problems.ShouldHaveSingleItem().ShouldContain($"differs from the signed digest {snapshot.ContentDigest}");
        check.Refusal.ShouldBeRefusalContaining(RefusalKind.Conflict, "This snapshot cannot be trusted for a restore");
    }

    [Fact]
    public async Task ManifestTamper_SignedDigestChanged_SignatureFails_Refused()
    {
        var snapshot = await TrustedSnapshotAsync();
        await TamperManifestEventAsync(snapshot.Id, "{Manifest,ContentDigest}", "\"sha256:" + new string('0', 64) + "\"");

        var check = await CheckAsync(snapshot.Id);

        check.Allowed.ShouldBeFalse();
        check.SignatureProblem.ShouldNotBeNull().ShouldContain("does not match the manifest");
        check.Problems.ShouldContain(p => p.Contains("content digest"));
        check.Problems.ShouldContain(p => p.Contains("differs from the signed digest"));
    }

    [Fact]
    public async Task ManifestTamper_SignatureChanged_Refused()
    {
        var snapshot = await TrustedSnapshotAsync();
        var signature = Convert.FromBase64String(snapshot.ManifestSignature.ShouldNotBeNull());
        signature[10] ^= 0x01;
        await TamperManifestEventAsync(snapshot.Id, "{Signature}", JsonSerializer.Serialize(Convert.ToBase64String(signature)));

        var check = await CheckAsync(snapshot.Id);

        check.Allowed.ShouldBeFalse();
        check.Problems.ShouldHaveSingleItem().ShouldContain("signature does not match the manifest");
    }

    [Fact]
    public async Task ManifestTamper_ManifestFieldChanged_Refused()
    {
        var snapshot = await TrustedSnapshotAsync();
        // Someone makes a Public component look as if it were captured from another trust domain.
        await TamperManifestEventAsync(snapshot.Id, "{Manifest,Components,0,TrustDomainId}", JsonSerializer.Serialize(Guid.NewGuid()));

        var check = await CheckAsync(snapshot.Id);

        check.Allowed.ShouldBeFalse();
        check.SignatureProblem.ShouldNotBeNull();
        check.Problems.ShouldContain(p => p.Contains("signature does not match"));
        check.Problems.ShouldContain(p => p.Contains("components"));
    }

    [Fact]
    public async Task ManifestTamper_ResignedWithAnotherKey_Refused()
    {
        var snapshot = await TrustedSnapshotAsync();
        using var forger = new EcdsaManifestSigner(ECDsa.Create(ECCurve.NamedCurves.nistP256));
        var manifest = snapshot.Manifest.ShouldNotBeNull() with { VnfName = "forged" };
        await TamperManifestEventAsync(snapshot.Id, "{Manifest,VnfName}", "\"forged\"");
        await TamperManifestEventAsync(snapshot.Id, "{Signature}", JsonSerializer.Serialize(forger.Sign(manifest)));
        await TamperManifestEventAsync(snapshot.Id, "{SigningKeyId}", JsonSerializer.Serialize(forger.KeyId));

        var check = await CheckAsync(snapshot.Id);

        check.Allowed.ShouldBeFalse();
        check.Problems.ShouldHaveSingleItem().ShouldContain($"signed by key {forger.KeyId}, which is not this console's manifest-signing key");
    }

    [Fact]
    public async Task ManifestTamper_DeletedSnapshot_IsRefusedForRestore()
    {
        var snapshot = await TrustedSnapshotAsync();
        await using (var session = Host.Store.LightweightSession())
        {
            session.Events.Append(snapshot.Id, new SnapshotDeleted(snapshot.Id, Guid.Empty, "test", "test", fixture.Clock.GetUtcNow()));
            await session.SaveChangesAsync(Ct);
        }

        var check = await CheckAsync(snapshot.Id);

        check.Allowed.ShouldBeFalse();
        check.Problems.ShouldContain(p => p.StartsWith("The snapshot was deleted"));
    }
}
