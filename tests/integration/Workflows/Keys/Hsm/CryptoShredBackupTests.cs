using System.Text.Json;
using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Snapshots;
using Console.Workflows.Keys;
using Console.Workflows.Keys.Hsm;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Sweeping;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Keys.Hsm;

/// <summary>The snapshot lifecycle with its KEKs in SoftHSM2 tokens (one per trust domain).</summary>
public sealed class SoftHsmSnapshotLifecycleFixture : SnapshotLifecycleFixture
{
    protected override IReadOnlyDictionary<string, string?> KeySettings => SoftHsmStore.Settings;
}

/// <summary>
/// Crypto-shredding that survives backups: the key table dumped before a secure deletion, restored afterwards, opens
/// nothing with the HSM provider, because the data key's KEK was destroyed inside its token. With the file provider the
/// same restored dump still opens: the limit docs/snapshot-lifecycle.md states.
/// </summary>
public sealed class CryptoShredBackupTests(SoftHsmSnapshotLifecycleFixture fixture) : IClassFixture<SoftHsmSnapshotLifecycleFixture>
{
    private const string KeyTable = "mt_doc_key_store_data_key";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => fixture.Host;

    private IKeyStore Keys => Host.Services.GetRequiredService<IKeyStore>();

    /// <summary>What a backup holds: the key rows as they are now.</summary>
    private static async Task<Dictionary<string, string>> DumpAsync(string connectionString, IEnumerable<string> keyIds)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        await using var select = new NpgsqlCommand($"select id, data::text from {KeyTable} where id = any(@ids)", connection);
        select.Parameters.AddWithValue("ids", keyIds.ToArray());
        var rows = new Dictionary<string, string>();
        await using var reader = await select.ExecuteReaderAsync(Ct);
        while (await reader.ReadAsync(Ct))
            rows[reader.GetString(0)] = reader.GetString(1);
        return rows;
    }

    /// <summary>Restores the dumped rows over the current ones, as restoring the backup would.</summary>
    private static async Task RestoreAsync(string connectionString, Dictionary<string, string> dump)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(Ct);
        foreach (var (id, data) in dump)
        {
            await using var update = new NpgsqlCommand($"update {KeyTable} set data = @data::jsonb where id = @id", connection);
            update.Parameters.AddWithValue("data", data);
            update.Parameters.AddWithValue("id", id);
            (await update.ExecuteNonQueryAsync(Ct)).ShouldBe(1);
        }
    }

    private static WrappedKey WrappedIn(string row)
    {
        using var json = JsonDocument.Parse(row);
        return new WrappedKey(json.RootElement.GetProperty("KekId").GetString()!, json.RootElement.GetProperty("Wrapped").GetBytesFromBase64());
    }

    [Fact]
    public async Task CryptoShred_Backup_KeyTableDumpedBeforeSecureDeletion_UnwrapsNothingAfterIt_ReceiptNamesTheDestroyedObjects()
    {
        var s = await SnapshotScenario.CreateAsync(Host);
        var snapshot = await s.TakePublicSnapshotAsync();
        // A newer one, so the first is not the VNF's last good snapshot, which the policy keeps.
        fixture.Clock.Advance(TimeSpan.FromMinutes(1));
        await s.TakePublicSnapshotAsync();
        var keyIds = snapshot.Keys.Select(k => k.KeyId).ToList();
        var dump = await DumpAsync(fixture.Database.ConnectionString, keyIds);
        dump.Keys.ShouldBe(keyIds, ignoreOrder: true);
        foreach (var key in snapshot.Keys)
            (await Keys.UnwrapAsync(key.KeyId, key.TrustDomainId, Ct)).Key.Length.ShouldBe(32);

        // Public snapshots live 30 days; the sweep deletes it securely.
        fixture.Clock.Advance(TimeSpan.FromDays(30) + TimeSpan.FromMinutes(1));
        await Host.Services.GetRequiredService<SnapshotSweeper>().SweepAsync(Ct);

        var receipt = (await s.EventsOfAsync(snapshot.Id)).OfType<SnapshotDeleted>().ShouldHaveSingleItem();
        var options = SoftHsmStore.Options();
        receipt.DestroyedKeyObjects.ShouldNotBeNull().Count.ShouldBe(snapshot.Keys.Count);
        foreach (var key in snapshot.Keys)
            receipt.DestroyedKeyObjects.ShouldContain(o =>
                o.StartsWith($"pkcs11 token '{options.TokenLabelFor(key.TrustDomainId)}' object '{key.KeyId}' (handle ", StringComparison.Ordinal));

        // The backup comes back: the wrapped keys are in the table again, and nothing opens them.
        await RestoreAsync(fixture.Database.ConnectionString, dump);
        var keks = Host.Services.GetRequiredService<IKeyEncryptionKeys>().ShouldBeOfType<Pkcs11KeyEncryptionKeys>();
        foreach (var key in snapshot.Keys)
        {
            var refused = await Should.ThrowAsync<KeyUnavailableException>(() => Keys.UnwrapAsync(key.KeyId, key.TrustDomainId, Ct));
            refused.Message.ShouldBe(
                $"Token '{options.TokenLabelFor(key.TrustDomainId)}' holds no KEK for data key {key.KeyId}: it was destroyed by secure deletion, or the key belongs to another trust domain.");
            await Should.ThrowAsync<KeyUnavailableException>(() => keks.UnwrapAsync(key.TrustDomainId, key.KeyId, WrappedIn(dump[key.KeyId]), Ct));
        }
    }

    [Fact]
    public async Task CryptoShred_Backup_FileProvider_RestoredDumpStillUnwraps_WhichIsWhyTheHsmProviderExists()
    {
        var folder = Path.Combine(Path.GetTempPath(), "vnf-console-test-keys-" + Guid.NewGuid().ToString("N"));
        try
        {
            var store = new MartenKeyStore(fixture.Database.Store,
                new LocalKeyEncryptionKeys(new KeyStoreOptions { Folder = folder }, NullLogger<LocalKeyEncryptionKeys>.Instance), TimeProvider.System);
            var key = await store.CreateDataKeyAsync("dk-" + Guid.NewGuid().ToString("N"), Guid.NewGuid(), Ct);
            var dump = await DumpAsync(fixture.Database.ConnectionString, [key.KeyId]);

            var destroyed = await store.DestroyAsync(key.KeyId, Ct);
            destroyed.DestroyedKeyObject.ShouldBeNull();
            await Should.ThrowAsync<KeyUnavailableException>(() => store.UnwrapAsync(key.KeyId, key.TrustDomainId, Ct));

            await RestoreAsync(fixture.Database.ConnectionString, dump);
            (await store.UnwrapAsync(key.KeyId, key.TrustDomainId, Ct)).Key.ShouldBe(key.Key);
        }
        finally
        {
            if (Directory.Exists(folder))
                Directory.Delete(folder, recursive: true);
        }
    }
}
