using System.Security.Cryptography;
using Console.Workflows.Keys;
using Console.Workflows.Keys.Hsm;
using Microsoft.Extensions.Logging.Abstractions;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Keys.Hsm;

/// <summary>
/// The PKCS#11 KEKs against a real SoftHSM2 token per trust domain: generated inside the token and never readable or
/// wrappable out of it, wrapping and unwrapping happen inside it, one domain's token opens none of another's keys, and
/// a wrong PIN or a missing token says what to fix.
/// </summary>
public sealed class Pkcs11KeyEncryptionKeysTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly Guid _domainA = Guid.NewGuid();
    private readonly Guid _domainB = Guid.NewGuid();
    private readonly Pkcs11KeyEncryptionKeys _keks = new(SoftHsmStore.Options(), NullLogger<Pkcs11KeyEncryptionKeys>.Instance);

    private static string NewKeyId() => "dk-" + Guid.NewGuid().ToString("N");

    /// <summary>Runs <paramref name="act"/> in a session of our own on the domain's token, as a second application would.</summary>
    private static T InToken<T>(Guid domain, Func<ISession, T> act)
    {
        var options = SoftHsmStore.Options();
        var slot = Pkcs11Module.Open(options.ModulePath).FindToken(options.TokenLabelFor(domain)).ShouldNotBeNull();
        using var session = slot.OpenSession(SessionType.ReadWrite);
        try
        {
            session.Login(CKU.CKU_USER, options.UserPin(domain));
        }
        catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
        }

        return act(session);
    }

    private static List<IObjectHandle> ObjectsLabelled(ISession session, string label) =>
        session.FindAllObjects([session.Factories.ObjectAttributeFactory.Create(CKA.CKA_LABEL, label)]);

    [Fact]
    public async Task Hsm_KekIsGeneratedInsideTheToken_ItsValueCannotBeReadNorWrappedOut()
    {
        var keyId = NewKeyId();
        await _keks.WrapAsync(_domainA, keyId, RandomNumberGenerator.GetBytes(32), Ct);

        InToken(_domainA, session =>
        {
            var kek = ObjectsLabelled(session, keyId).ShouldHaveSingleItem();
            var flags = session.GetAttributeValue(kek,
                [CKA.CKA_TOKEN, CKA.CKA_SENSITIVE, CKA.CKA_EXTRACTABLE, CKA.CKA_NEVER_EXTRACTABLE, CKA.CKA_ALWAYS_SENSITIVE, CKA.CKA_LOCAL]);
            flags.Select(a => a.GetValueAsBool()).ShouldBe([true, true, false, true, true, true]);

            // Reading the key's value is refused by the token...
            session.GetAttributeValue(kek, [CKA.CKA_VALUE]).ShouldHaveSingleItem().CannotBeRead.ShouldBeTrue();

            // ...and so is wrapping it out under a key the caller holds.
            var attributes = session.Factories.ObjectAttributeFactory;
            var mine = session.GenerateKey(session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_GEN),
            [
                attributes.Create(CKA.CKA_CLASS, CKO.CKO_SECRET_KEY), attributes.Create(CKA.CKA_KEY_TYPE, CKK.CKK_AES),
                attributes.Create(CKA.CKA_VALUE_LEN, 32UL), attributes.Create(CKA.CKA_TOKEN, false), attributes.Create(CKA.CKA_WRAP, true),
            ]);
            var refused = Should.Throw<Pkcs11Exception>(() =>
                session.WrapKey(session.Factories.MechanismFactory.Create(CKM.CKM_AES_KEY_WRAP_PAD), mine, kek));
            refused.RV.ShouldBe(CKR.CKR_KEY_UNEXTRACTABLE);
            return 0;
        });
    }

    [Fact]
    public async Task Hsm_WrapUnwrap_RoundTripsThroughTheToken_WrappedFormHoldsNoKey()
    {
        var keyId = NewKeyId();
        var key = RandomNumberGenerator.GetBytes(32);

        var wrapped = await _keks.WrapAsync(_domainA, keyId, key, Ct);

        wrapped.KekId.ShouldBe($"pkcs11:{SoftHsmStore.Options().TokenLabelFor(_domainA)}/{keyId}");
        wrapped.Ciphertext.AsSpan().IndexOf(key).ShouldBe(-1);
        (await _keks.UnwrapAsync(_domainA, keyId, wrapped, Ct)).ShouldBe(key);

        // One bit changed: the token's GCM check refuses it.
        var altered = wrapped with { Ciphertext = [.. wrapped.Ciphertext] };
        altered.Ciphertext[^1] ^= 1;
        (await Should.ThrowAsync<KeyUnavailableException>(() => _keks.UnwrapAsync(_domainA, keyId, altered, Ct)))
            .Message.ShouldContain("does not unwrap");
    }

    [Fact]
    public async Task Hsm_OneDomainsTokenCannotUnwrapAnotherDomainsKeys()
    {
        var keyId = NewKeyId();
        var wrappedByB = await _keks.WrapAsync(_domainB, keyId, RandomNumberGenerator.GetBytes(32), Ct);
        (await _keks.UnwrapAsync(_domainB, keyId, wrappedByB, Ct)).Length.ShouldBe(32);

        // As it stands it names B's token, so A refuses it outright.
        (await Should.ThrowAsync<KeyUnavailableException>(() => _keks.UnwrapAsync(_domainA, keyId, wrappedByB, Ct)))
            .Message.ShouldContain("not by the KEK of trust domain");

        // Relabelled as A's: A's token has no KEK of that id.
        var relabelled = wrappedByB with { KekId = _keks.KekIdFor(_domainA, keyId) };
        (await Should.ThrowAsync<KeyUnavailableException>(() => _keks.UnwrapAsync(_domainA, keyId, relabelled, Ct)))
            .Message.ShouldContain($"Token '{SoftHsmStore.Options().TokenLabelFor(_domainA)}' holds no KEK for data key {keyId}");

        // Even once A's token holds a KEK under the same label, B's wrapped key does not open with it.
        await _keks.WrapAsync(_domainA, keyId, RandomNumberGenerator.GetBytes(32), Ct);
        (await Should.ThrowAsync<KeyUnavailableException>(() => _keks.UnwrapAsync(_domainA, keyId, relabelled, Ct)))
            .Message.ShouldContain("does not unwrap");
    }

    [Fact]
    public async Task Hsm_Destroy_DestroysTheKeyObjectInTheToken_AndSaysWhich()
    {
        var keyId = NewKeyId();
        var wrapped = await _keks.WrapAsync(_domainA, keyId, RandomNumberGenerator.GetBytes(32), Ct);

        var destroyed = await _keks.DestroyAsync(_domainA, keyId, Ct);

        var label = SoftHsmStore.Options().TokenLabelFor(_domainA);
        destroyed.KeyObject.ShouldNotBeNull().ShouldStartWith($"pkcs11 token '{label}' object '{keyId}' (handle ");
        InToken(_domainA, session => ObjectsLabelled(session, keyId)).ShouldBeEmpty();
        (await Should.ThrowAsync<KeyUnavailableException>(() => _keks.UnwrapAsync(_domainA, keyId, wrapped, Ct)))
            .Message.ShouldContain("destroyed by secure deletion");
        (await _keks.DestroyAsync(_domainA, keyId, Ct)).KeyObject.ShouldNotBeNull().ShouldEndWith("(already absent)");
    }

    [Fact]
    public async Task Hsm_ConcurrentDestroysOfOneKey_NeverFail_AndExactlyOneNamesTheHandle()
    {
        // Concurrent sweeps (sessions of this process, or a second node with its own sessions) find the same KEK and
        // race to destroy it: the losers must hear "already absent", not an invalid-handle error.
        using var secondNode = new Pkcs11KeyEncryptionKeys(SoftHsmStore.Options(), NullLogger<Pkcs11KeyEncryptionKeys>.Instance);
        var keyIds = Enumerable.Range(0, 12).Select(_ => NewKeyId()).ToList();
        foreach (var keyId in keyIds)
            await _keks.WrapAsync(_domainA, keyId, RandomNumberGenerator.GetBytes(32), Ct);

        var results = await Task.WhenAll(keyIds.SelectMany(keyId => Enumerable.Range(0, 4).Select(i => Task.Run(async () =>
            (keyId, (await (i % 2 == 0 ? _keks : secondNode).DestroyAsync(_domainA, keyId, Ct)).KeyObject.ShouldNotBeNull()), Ct))));

        foreach (var group in results.GroupBy(r => r.keyId))
        {
            group.Count(r => r.Item2.Contains("(handle ", StringComparison.Ordinal)).ShouldBe(1, $"one destroyer names {group.Key}'s handle");
            group.Count(r => r.Item2.EndsWith("(already absent)", StringComparison.Ordinal)).ShouldBe(3);
            InToken(_domainA, session => ObjectsLabelled(session, group.Key)).ShouldBeEmpty();
        }
    }

    [Fact]
    public async Task Hsm_WrongPin_IsAClearError_NamingTheTokenAndWhereThePinComesFrom()
    {
        var options = SoftHsmStore.Options();
        // A token nobody in this process has logged in to yet (login is shared by a process's sessions).
        var label = options.TokenLabelFor(_domainA);
        Pkcs11Module.Open(options.ModulePath).ProvisionToken(label, options.SoPin(_domainA), options.UserPin(_domainA));
        var wrongPin = Path.Combine(Path.GetTempPath(), "vnf-console-test-wrong-pin-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(wrongPin, "not-the-pin\n", Ct);
        try
        {
            options.PinFile = wrongPin;
            options.ProvisionTokens = false;
            using var keks = new Pkcs11KeyEncryptionKeys(options, NullLogger<Pkcs11KeyEncryptionKeys>.Instance);

            var refused = await Should.ThrowAsync<KeyUnavailableException>(() => keks.WrapAsync(_domainA, NewKeyId(), new byte[32], Ct));

            refused.Message.ShouldBe(
                $"Token '{label}' refused the user PIN (CKR_PIN_INCORRECT): set the right one in Keys:Pkcs11:PinFile or the variable named by Keys:Pkcs11:PinEnvironmentVariable.");
        }
        finally
        {
            File.Delete(wrongPin);
        }

        options.PinFile = wrongPin;
        using var noFile = new Pkcs11KeyEncryptionKeys(options, NullLogger<Pkcs11KeyEncryptionKeys>.Instance);
        (await Should.ThrowAsync<InvalidOperationException>(() => noFile.WrapAsync(_domainA, NewKeyId(), new byte[32], Ct)))
            .Message.ShouldBe($"The PIN file {wrongPin} (Keys:Pkcs11:PinFile) does not exist.");
    }

    [Fact]
    public async Task Hsm_MissingTokenWithoutProvisioning_SaysTheHsmAdministratorsMustCreateIt()
    {
        var options = SoftHsmStore.Options();
        options.ProvisionTokens = false;
        using var keks = new Pkcs11KeyEncryptionKeys(options, NullLogger<Pkcs11KeyEncryptionKeys>.Instance);

        var refused = await Should.ThrowAsync<KeyUnavailableException>(() => keks.WrapAsync(_domainB, NewKeyId(), new byte[32], Ct));

        refused.Message.ShouldBe(
            $"The PKCS#11 module {options.ModulePath} has no token '{options.TokenLabelFor(_domainB)}' for trust domain {_domainB:D}; its HSM administrators must create it (docs/keys-and-hsm.md).");
    }

    public void Dispose() => _keks.Dispose();
}
