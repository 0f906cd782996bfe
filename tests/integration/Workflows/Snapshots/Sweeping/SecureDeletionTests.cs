using System.Security.Cryptography;
using Console.Nfv.Simulator;
using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Keys;
using Console.Workflows.Nfv;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Sweeping;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Snapshots.Sweeping;

/// <summary>
/// The retention sweep on real PostgreSQL with a fake clock: a snapshot past its maximum age is deleted exactly once,
/// however many sweeps run at the same time; its data keys are destroyed, the artefact is gone, the receipt says so.
/// </summary>
public sealed class SecureDeletionTests(SnapshotLifecycleFixture fixture) : IClassFixture<SnapshotLifecycleFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => fixture.Host;

    private SnapshotSweeper Sweeper => Host.Services.GetRequiredService<SnapshotSweeper>();

    private IKeyStore Keys => Host.Services.GetRequiredService<IKeyStore>();

    private INfvInfrastructure Infrastructure => Host.Services.GetRequiredService<INfvInfrastructure>();

    [Fact]
    public async Task SecureDeletion_PastMaxAge_ConcurrentSweeps_DeleteExactlyOnce_DestroyKeys_DeleteArtefact_RecordReceipt()
    {
        var s = await SnapshotScenario.CreateAsync(Host);
        var expired = new List<Snapshot>();
        for (var i = 0; i < 4; i++)
            expired.Add(await s.TakePublicSnapshotAsync());
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var newest = await s.TakePublicSnapshotAsync();
        var first = expired[0];
        first.Keys.Select(k => k.TrustDomainId).ShouldBe([s.CoreDomain, s.PartnerDomain], ignoreOrder: true);
        (await Keys.UnwrapAsync(first.Keys[0].KeyId, first.Keys[0].TrustDomainId, Ct)).Key.Length.ShouldBe(32);

        // Public snapshots live 30 days under the default policy.
        fixture.Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Sweeper.SweepAsync(Ct), Ct)));

        foreach (var snapshot in expired)
        {
            var deleted = (await s.LoadAsync(snapshot.Id)).ShouldNotBeNull();
            deleted.Status.ShouldBe(SnapshotStatus.Deleted);
            var events = await s.EventsOfAsync(snapshot.Id);
            events.OfType<SnapshotDeletionStarted>().Count().ShouldBe(1);
            var receipt = events.OfType<SnapshotDeleted>().ShouldHaveSingleItem();
            receipt.Trigger.ShouldBe(DeletionTrigger.Expired);
            receipt.RequestId.ShouldBe(Guid.Empty);
            receipt.By.ShouldBe(SnapshotSweeper.By);
            receipt.ArtefactLocation.ShouldBe(snapshot.ArtefactLocation);
            receipt.DestroyedKeyIds.ShouldNotBeNull().ShouldBe(snapshot.Keys.Select(k => k.KeyId), ignoreOrder: true);
            receipt.InfrastructureDetail.ShouldNotBeNull().ShouldContain(snapshot.ArtefactLocation);
            receipt.Reason.ShouldContain("Past its maximum age");
            deleted.Receipt.ShouldNotBeNull().At.ShouldBe(receipt.At);
            deleted.DeletionTrigger.ShouldBe(DeletionTrigger.Expired);

            // Crypto-shredded: no key unwraps, and the store keeps only a tombstone without key material.
            foreach (var key in snapshot.Keys)
            {
                var unwrap = await Should.ThrowAsync<KeyUnavailableException>(() => Keys.UnwrapAsync(key.KeyId, key.TrustDomainId, Ct));
                unwrap.Message.ShouldContain("destroyed");
                await using var session = Host.Store.QuerySession();
                var stored = (await session.LoadAsync<StoredDataKey>(key.KeyId, Ct)).ShouldNotBeNull();
                stored.Wrapped.ShouldBeNull();
                stored.DestroyedAt.ShouldNotBeNull();
            }

            var artefact = (await Infrastructure.InspectSnapshotAsync(snapshot.Id, Ct)).ShouldNotBeNull();
            artefact.DeletedAt.ShouldNotBeNull();
            artefact.KeyIds.ShouldBeEmpty();
            await using (var session = Host.Store.QuerySession())
            {
                var operations = await session.Query<SimulatedOperation>()
                    .Where(o => o.SnapshotId == snapshot.Id && o.Kind == SimulatedOperationKind.SnapshotDeletion)
                    .CountAsync(Ct);
                operations.ShouldBe(1);
            }
        }

        // The newest one is the VNF's last good snapshot: due as well, but kept, and the page says why.
        var kept = (await s.LoadAsync(newest.Id)).ShouldNotBeNull();
        kept.Status.ShouldBe(SnapshotStatus.Available);
        (await Keys.UnwrapAsync(kept.Keys[0].KeyId, kept.Keys[0].TrustDomainId, Ct)).Key.Length.ShouldBe(32);
    }

    [Fact]
    public async Task SecureDeletion_BeforeMaxAge_NothingIsDeleted_AndTheArtefactIsEncryptedPerTrustDomain()
    {
        var s = await SnapshotScenario.CreateAsync(Host);
        var older = await s.TakePublicSnapshotAsync();
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.TakePublicSnapshotAsync();

        fixture.Clock.Advance(TimeSpan.FromDays(29));
        await Sweeper.SweepAsync(Ct);

        (await s.LoadAsync(older.Id)).ShouldNotBeNull().Status.ShouldBe(SnapshotStatus.Available);
        // Each domain's part opens with that domain's data key only.
        await using var session = Host.Store.QuerySession();
        var artefact = (await session.LoadAsync<SimulatedSnapshotArtefact>(older.Id, Ct)).ShouldNotBeNull();
        artefact.Parts.Count.ShouldBe(2);
        foreach (var part in artefact.Parts)
        {
            var own = await Keys.UnwrapAsync(part.KeyId, part.TrustDomainId, Ct);
            Decrypt(older.Id, part, part.TrustDomainId, part.KeyId, own.Key).ShouldContain("simulated persistent state");
            var other = artefact.Parts.Single(p => p.TrustDomainId != part.TrustDomainId);
            var otherKey = await Keys.UnwrapAsync(other.KeyId, other.TrustDomainId, Ct);
            Should.Throw<AuthenticationTagMismatchException>(() => Decrypt(older.Id, part, part.TrustDomainId, part.KeyId, otherKey.Key));
        }
    }

    [Fact]
    public async Task SecureDeletion_MarkedNotNeeded_IsDeletedAtTheNextSweepWithTriggerNotNeeded()
    {
        var s = await SnapshotScenario.CreateAsync(Host);
        var unwanted = await s.TakePublicSnapshotAsync();
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.TakePublicSnapshotAsync();

        var marked = await Host.With<Console.Workflows.Common.IConsoleCommandBus, Console.Workflows.Common.Outcome>(c => c.IssueAsync(
            new Console.Workflows.Snapshots.MarkingNotNeeded.MarkSnapshotNotNeeded(unwanted.Id, unwanted.Version, "Upgrade went fine."), s.Operator));
        marked.Succeeded.ShouldBeTrue(marked.Refusal?.Message);
        await Sweeper.SweepAsync(Ct);

        var deleted = (await s.LoadAsync(unwanted.Id)).ShouldNotBeNull();
        deleted.Status.ShouldBe(SnapshotStatus.Deleted);
        deleted.DeletionTrigger.ShouldBe(DeletionTrigger.NotNeeded);
        deleted.Receipt.ShouldNotBeNull().Reason.ShouldContain("Upgrade went fine.");
    }

    /// <summary>
    /// An insider who can write Wolverine's inbox, or replays an old message, asks for deletions the sweep would not
    /// make: each deletion judges its snapshot itself, so the message decides nothing.
    /// </summary>
    [Fact]
    public async Task SecureDeletion_ForgedDeletionMessages_ForSnapshotsNotDue_HeldOrLastGood_OrMissing_DeleteNothing()
    {
        var s = await SnapshotScenario.CreateAsync(Host);
        var older = await s.TakePublicSnapshotAsync();
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        var newest = await s.TakePublicSnapshotAsync();

        await DeleteByMessageAsync(older.Id);
        var held = await Host.With<Console.Workflows.Common.IConsoleCommandBus, Console.Workflows.Common.Outcome>(c => c.IssueAsync(
            new Console.Workflows.Snapshots.Holding.PlaceLegalHold(older.Id, older.Version, "Case 2026-30", null), s.Security));
        held.Succeeded.ShouldBeTrue(held.Refusal?.Message);
        fixture.Clock.Advance(TimeSpan.FromDays(31));
        await DeleteByMessageAsync(older.Id);
        await DeleteByMessageAsync(newest.Id);
        await DeleteByMessageAsync(Guid.NewGuid());

        foreach (var snapshot in new[] { older, newest })
        {
            (await s.LoadAsync(snapshot.Id)).ShouldNotBeNull().Status.ShouldBe(SnapshotStatus.Available);
            (await s.EventsOfAsync(snapshot.Id)).OfType<SnapshotDeletionStarted>().ShouldBeEmpty();
            (await Keys.UnwrapAsync(snapshot.Keys[0].KeyId, snapshot.Keys[0].TrustDomainId, Ct)).Key.Length.ShouldBe(32);
        }
    }

    /// <summary>
    /// A database owner lifts a legal hold and back-dates the expiry in the stored snapshot document, where no hold event
    /// was ever recorded against: the sweep would then crypto-shred evidence under a hold. Deletions judge what the
    /// snapshot's events say, so the forged document deletes nothing.
    /// </summary>
    [Fact]
    public async Task SecureDeletion_HoldLiftedInTheStoredDocumentOnly_TheSnapshotIsKept()
    {
        var s = await SnapshotScenario.CreateAsync(Host);
        var older = await s.TakePublicSnapshotAsync();
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.TakePublicSnapshotAsync();
        var held = await Host.With<Console.Workflows.Common.IConsoleCommandBus, Console.Workflows.Common.Outcome>(c => c.IssueAsync(
            new Console.Workflows.Snapshots.Holding.PlaceLegalHold(older.Id, older.Version, "Case 2026-31", null), s.Security));
        held.Succeeded.ShouldBeTrue(held.Refusal?.Message);

        var past = fixture.Clock.GetUtcNow().AddDays(-1).ToString("O");
        await using (var connection = new Npgsql.NpgsqlConnection(fixture.Database.OwnerConnectionString))
        {
            await connection.OpenAsync(Ct);
            await using var forge = new Npgsql.NpgsqlCommand(
                "update mt_doc_snapshot set data = (data - 'LegalHold') || jsonb_build_object('ExpiresAt', @past::text, 'DueAt', @past::text) where id = @id",
                connection);
            forge.Parameters.AddWithValue("past", past);
            forge.Parameters.AddWithValue("id", older.Id);
            (await forge.ExecuteNonQueryAsync(Ct)).ShouldBe(1);
        }

        await Sweeper.SweepAsync(Ct);
        await DeleteByMessageAsync(older.Id);

        (await s.EventsOfAsync(older.Id)).OfType<SnapshotDeletionStarted>().ShouldBeEmpty();
        (await Keys.UnwrapAsync(older.Keys[0].KeyId, older.Keys[0].TrustDomainId, Ct)).Key.Length.ShouldBe(32);
        (await Infrastructure.InspectSnapshotAsync(older.Id, Ct)).ShouldNotBeNull().DeletedAt.ShouldBeNull();
    }

    private async Task DeleteByMessageAsync(Guid snapshotId)
    {
        await using var scope = Host.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Wolverine.IMessageBus>().InvokeAsync(new DeleteDueSnapshot(snapshotId), Ct);
    }

    private static string Decrypt(Guid snapshotId, SimulatedArtefactPart part, Guid domain, string keyId, byte[] key)
    {
        var plain = new byte[part.Ciphertext.Length];
        using var aes = new AesGcm(key, part.Tag.Length);
        aes.Decrypt(part.Nonce, part.Ciphertext, part.Tag, plain, SimulatedNfvInfrastructure.PartAssociatedData(snapshotId, domain, keyId));
        return System.Text.Encoding.UTF8.GetString(plain);
    }
}
