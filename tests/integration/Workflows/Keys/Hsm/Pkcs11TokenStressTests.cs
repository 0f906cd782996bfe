using System.Collections.Concurrent;
using System.Security.Cryptography;
using Console.Workflows.Keys.Hsm;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Keys.Hsm;

/// <summary>
/// Many sessions of one process on one token at once, as a busy console has them: KEKs generated, used, found by a
/// second node (its own sessions, no handles of its own) and destroyed, all at the same time. SoftHSM2 2.6.1 (Debian
/// 12's) writes an object's file without flushing it before unlocking it, and marks an object it reads empty as invalid
/// (fixed upstream in 2.7.0, SoftHSMv2 issue 573); a session reading the token while another writes then saw a
/// generation refused (CKR_TEMPLATE_INCONSISTENT), an encrypt refused right after its generation
/// (CKR_KEY_FUNCTION_NOT_PERMITTED), or a search miss a key just made.
/// </summary>
public sealed class Pkcs11TokenStressTests : IDisposable
{
    private const int Workers = 6;
    private const int KeysPerWorker = 25;
    private const int Searchers = 3;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly Guid _domain = Guid.NewGuid();
    private readonly Pkcs11KeyEncryptionKeys _node = new(SoftHsmStore.Options(), NullLogger<Pkcs11KeyEncryptionKeys>.Instance);
    private readonly Pkcs11KeyEncryptionKeys _otherNode = new(SoftHsmStore.Options(), NullLogger<Pkcs11KeyEncryptionKeys>.Instance);
    private readonly Pkcs11KeyEncryptionKeys _searchingNode = new(SoftHsmStore.Options(), NullLogger<Pkcs11KeyEncryptionKeys>.Instance);

    [Fact(Skip = "SoftHSM2 2.6.1 (Debian 12) still loses keys to searches under this load: in the clean-clone CI of 2026-12-04 13:00, with every call on the token one at a time and a second go on a fresh session after 25 ms, 2 of 150 keys just made and used by handle were not found by a search of their label. docs/keys-and-hsm.md; remove the Skip to run it by hand.")]
    public async Task Hsm_ManySessionsGenerateFindUseAndDestroyAtOnce_EveryCallSucceeds_AndEveryKeyIsFound()
    {
        // The token exists before the workers start, so they race on keys, not on provisioning it.
        var first = "dk-" + Guid.NewGuid().ToString("N");
        await _node.WrapAsync(_domain, first, RandomNumberGenerator.GetBytes(32), Ct);
        (await _node.DestroyAsync(_domain, first, Ct)).KeyObject.ShouldNotBeNull().ShouldContain("handle");

        var failures = new ConcurrentQueue<string>();
        using var writing = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        // Sessions that only search the token (a destroy of a key nobody made finds nothing), all the time the keys are made.
        var searchers = Enumerable.Range(0, Searchers).Select(_ => Task.Run(async () =>
        {
            while (!writing.IsCancellationRequested)
            {
                try
                {
                    await _searchingNode.DestroyAsync(_domain, "dk-never-made", Ct);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failures.Enqueue($"search: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }, Ct)).ToList();
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < KeysPerWorker; i++)
            {
                var keyId = $"dk-{worker}-{i}-{Guid.NewGuid():N}";
                var dataKey = RandomNumberGenerator.GetBytes(32);
                try
                {
                    var wrapped = await _node.WrapAsync(_domain, keyId, dataKey, Ct);
                    (await _node.UnwrapAsync(_domain, keyId, wrapped, Ct)).ShouldBe(dataKey, $"{keyId} through the handle kept");
                    // The other node holds no handle: it finds the key by searching the token.
                    (await _otherNode.UnwrapAsync(_domain, keyId, wrapped, Ct)).ShouldBe(dataKey, $"{keyId} found by a search");
                    var receipt = (await _otherNode.DestroyAsync(_domain, keyId, Ct)).KeyObject ?? "";
                    if (receipt.Contains("already absent", StringComparison.Ordinal))
                        failures.Enqueue($"{keyId}: destroy did not find the key it had just used ({receipt})");
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    failures.Enqueue($"{keyId}: {ex.GetType().Name}: {ex.Message}");
                }
            }
        }, Ct)));
        await writing.CancelAsync();
        await Task.WhenAll(searchers);

        failures.ShouldBeEmpty();
    }

    public void Dispose()
    {
        _node.Dispose();
        _otherNode.Dispose();
        _searchingNode.Dispose();
    }
}
