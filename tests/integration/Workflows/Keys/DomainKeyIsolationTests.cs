using System.Security.Cryptography;
using Console.IntegrationTests.Infrastructure;
using Console.Workflows.Keys;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Keys;

/// <summary>
/// The embedded key store on real PostgreSQL with KEKs from a master key file in a folder of the test's own: one trust
/// domain's KEK never unwraps another domain's data key, and wrapped key records moved between domains or ids do not
/// unwrap at all.
/// </summary>
public sealed class DomainKeyIsolationTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "vnf-console-test-keys-" + Guid.NewGuid().ToString("N"));

    private readonly Guid _domainA = Guid.NewGuid();
    private readonly Guid _domainB = Guid.NewGuid();

    private LocalKeyEncryptionKeys Keks(string? folder = null) =>
        new(new KeyStoreOptions { Folder = folder ?? _folder }, NullLogger<LocalKeyEncryptionKeys>.Instance);

    private MartenKeyStore Store(LocalKeyEncryptionKeys keks) => new(database.Store, keks, TimeProvider.System);

    private async Task<StoredDataKey> StoredAsync(string keyId)
    {
        await using var session = database.Store.QuerySession();
        return (await session.LoadAsync<StoredDataKey>(keyId, Ct)).ShouldNotBeNull();
    }

    private async Task ReplaceAsync(StoredDataKey record)
    {
        await using var session = database.Store.LightweightSession();
        session.Store(record);
        await session.SaveChangesAsync(Ct);
    }

    [Fact]
    public async Task DomainKeyIsolation_DomainAsKekCannotUnwrapDomainBsDataKey()
    {
        var keks = Keks();
        var store = Store(keks);
        var keyOfB = await store.CreateDataKeyAsync("dk-b-" + Guid.NewGuid().ToString("N"), _domainB, Ct);
        var stored = await StoredAsync(keyOfB.KeyId);
        // The store holds only the wrapped form, never the key.
        stored.Wrapped.ShouldNotBeNull().AsSpan().IndexOf(keyOfB.Key).ShouldBe(-1);

        // Its own domain's KEK opens it.
        (await keks.UnwrapAsync(_domainB, keyOfB.KeyId, new WrappedKey(stored.KekId, stored.Wrapped!), Ct)).ShouldBe(keyOfB.Key);

        // Domain A's KEK does not, even when the wrapped key is relabelled as if A's KEK had wrapped it.
        var relabelled = new WrappedKey(keks.KekIdFor(_domainA), stored.Wrapped!);
        var refused = await Should.ThrowAsync<KeyUnavailableException>(() => keks.UnwrapAsync(_domainA, keyOfB.KeyId, relabelled, Ct));
        refused.InnerException.ShouldBeOfType<AuthenticationTagMismatchException>();
        await Should.ThrowAsync<KeyUnavailableException>(() => keks.UnwrapAsync(_domainA, keyOfB.KeyId, new WrappedKey(stored.KekId, stored.Wrapped!), Ct));

        // Asking the store for B's key as domain A is refused as well.
        var asA = await Should.ThrowAsync<KeyUnavailableException>(() => store.UnwrapAsync(keyOfB.KeyId, _domainA, Ct));
        asA.Message.ShouldContain($"belongs to trust domain {_domainB:D}");
    }

    [Fact]
    public async Task DomainKeyIsolation_WrappedKeyRecordSwappedBetweenDomains_DoesNotUnwrap()
    {
        var keks = Keks();
        var store = Store(keks);
        var keyOfA = await store.CreateDataKeyAsync("dk-a-" + Guid.NewGuid().ToString("N"), _domainA, Ct);
        var keyOfB = await store.CreateDataKeyAsync("dk-b-" + Guid.NewGuid().ToString("N"), _domainB, Ct);
        (await store.UnwrapAsync(keyOfA.KeyId, _domainA, Ct)).Key.ShouldBe(keyOfA.Key);
        (await store.UnwrapAsync(keyOfB.KeyId, _domainB, Ct)).Key.ShouldBe(keyOfB.Key);
        var recordA = await StoredAsync(keyOfA.KeyId);
        var recordB = await StoredAsync(keyOfB.KeyId);

        // A's wrapped key copied into B's record: B's consumer would decrypt with A's key if this unwrapped.
        await ReplaceAsync(recordB with { Wrapped = recordA.Wrapped, KekId = keks.KekIdFor(_domainB) });
        var intoB = await Should.ThrowAsync<KeyUnavailableException>(() => store.UnwrapAsync(keyOfB.KeyId, _domainB, Ct));
        intoB.InnerException.ShouldBeOfType<AuthenticationTagMismatchException>();

        // A's record re-labelled as belonging to domain B: B's KEK does not open it, and A's no longer is asked.
        await ReplaceAsync(recordA with { TrustDomainId = _domainB, KekId = keks.KekIdFor(_domainB) });
        (await Should.ThrowAsync<KeyUnavailableException>(() => store.UnwrapAsync(keyOfA.KeyId, _domainB, Ct)))
            .InnerException.ShouldBeOfType<AuthenticationTagMismatchException>();
        await Should.ThrowAsync<KeyUnavailableException>(() => store.UnwrapAsync(keyOfA.KeyId, _domainA, Ct));

        // Put back, both open again: nothing but the swap made them fail.
        await ReplaceAsync(recordA);
        await ReplaceAsync(recordB);
        (await store.UnwrapAsync(keyOfA.KeyId, _domainA, Ct)).Key.ShouldBe(keyOfA.Key);
        (await store.UnwrapAsync(keyOfB.KeyId, _domainB, Ct)).Key.ShouldBe(keyOfB.Key);
    }

    [Fact]
    public async Task DomainKeyIsolation_KeksLiveOutsideTheDatabase_AnotherMasterKeyOpensNothing()
    {
        var store = Store(Keks());
        var key = await store.CreateDataKeyAsync("dk-a-" + Guid.NewGuid().ToString("N"), _domainA, Ct);

        // A restarted console reading the same master key file unwraps it...
        (await Store(Keks()).UnwrapAsync(key.KeyId, _domainA, Ct)).Key.ShouldBe(key.Key);
        File.Exists(Path.Combine(_folder, "kek-master.key")).ShouldBeTrue();
        if (!OperatingSystem.IsWindows())
            File.GetUnixFileMode(Path.Combine(_folder, "kek-master.key")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);

        // ...a database copied next to another master key does not.
        var elsewhere = Path.Combine(_folder, "other");
        await Should.ThrowAsync<KeyUnavailableException>(() => Store(Keks(elsewhere)).UnwrapAsync(key.KeyId, _domainA, Ct));
    }

    [Fact]
    public async Task DomainKeyIsolation_CreateIsIdempotent_DestroyIsFinalAndIdempotent()
    {
        var store = Store(Keks());
        var id = "dk-a-" + Guid.NewGuid().ToString("N");
        var first = await store.CreateDataKeyAsync(id, _domainA, Ct);
        (await store.CreateDataKeyAsync(id, _domainA, Ct)).Key.ShouldBe(first.Key);

        var destroyed = await store.DestroyAsync(id, Ct);
        destroyed.Existed.ShouldBeTrue();
        destroyed.WasAlreadyDestroyed.ShouldBeFalse();
        (await store.DestroyAsync(id, Ct)).WasAlreadyDestroyed.ShouldBeTrue();
        (await store.DestroyAsync("dk-never", Ct)).Existed.ShouldBeFalse();
        (await Should.ThrowAsync<KeyUnavailableException>(() => store.UnwrapAsync(id, _domainA, Ct))).Message.ShouldContain("destroyed");
        (await store.DescribeAsync(id, Ct)).ShouldNotBeNull().DestroyedAt.ShouldNotBeNull();
        // A destroyed id is never reused for a fresh key.
        await Should.ThrowAsync<KeyUnavailableException>(() => store.CreateDataKeyAsync(id, _domainA, Ct));
    }

    public void Dispose()
    {
        if (Directory.Exists(_folder))
            Directory.Delete(_folder, recursive: true);
    }
}
