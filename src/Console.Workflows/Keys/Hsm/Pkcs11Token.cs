using System.Collections.Concurrent;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Console.Workflows.Keys.Hsm;

/// <summary>
/// One trust domain's token and a small pool of logged-in sessions on it. A PKCS#11 session serves one thread at a
/// time: each call borrows a session for its duration; at most <see cref="Pkcs11Options.SessionsPerToken"/> are open.
/// With <paramref name="turns"/> (a library that needs them, <see cref="Pkcs11Module.TokensTakeTurns"/>) a call also
/// waits for its turn on the token: one call at a time on it in this process, and across processes on this host.
/// Made by <see cref="Pkcs11Module.OpenToken"/>.
/// </summary>
internal sealed class Pkcs11Token(ISlot slot, string label, Func<string> pin, int sessions, Pkcs11Token.Turns? turns) : IDisposable
{
    private static readonly CKR[] Broken =
    [
        CKR.CKR_SESSION_HANDLE_INVALID, CKR.CKR_SESSION_CLOSED, CKR.CKR_USER_NOT_LOGGED_IN, CKR.CKR_DEVICE_REMOVED,
        CKR.CKR_TOKEN_NOT_PRESENT, CKR.CKR_DEVICE_ERROR,
    ];

    private readonly ConcurrentBag<ISession> _idle = [];
    private readonly SemaphoreSlim _gate = new(Math.Max(1, sessions));
    private bool _disposed;

    public string Label { get; } = label;

    /// <summary>
    /// Handles of KEKs this process made or found, by data key id: finding an object by label costs a scan of the
    /// token (SoftHSM reads every object file), a handle does not. A stale handle (another node destroyed the key) is
    /// refused by the token and the caller searches again.
    /// </summary>
    public ConcurrentDictionary<string, IObjectHandle> Handles { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// What SoftHSM2 before 2.7.0 answers now and then for a key it has just made or is just writing, even with every call
    /// on the token taking turns (seen in CI): the key "may not encrypt", a template "inconsistent", a search that misses
    /// it. On such a library a call that fails so is made once more, on a fresh session (which reads the token's object
    /// files again), after a short pause; a second failure is the caller's. A real HSM never gets the second go.
    /// </summary>
    private static readonly CKR[] SoftHsmOddities = [CKR.CKR_KEY_FUNCTION_NOT_PERMITTED, CKR.CKR_TEMPLATE_INCONSISTENT];

    private static readonly TimeSpan PauseBeforeTheSecondGo = TimeSpan.FromMilliseconds(25);

    /// <summary>How often this process made a call a second time (<see cref="SoftHsmOddities"/>); the tests read it.</summary>
    public static int SecondGoes => _secondGoes;

    private static int _secondGoes;

    /// <summary>A search that found nothing where a key should be: worth a second go on a library that needs turns.</summary>
    public static bool IsMiss(Exception ex) => ex is KeyUnavailableException { MayPassOnRetry: true };

    public static KeyUnavailableException Miss(string message) => KeyUnavailableException.Transient(message);

    public async Task<T> UseAsync<T>(Func<ISession, T> act, CancellationToken ct)
    {
        if (turns is null)
            return await UseOnceAsync(act, ct);
        try
        {
            return await UseOnceAsync(act, ct);
        }
        catch (Exception ex) when (ex is Pkcs11Exception { RV: var rv } ? SoftHsmOddities.Contains(rv) : IsMiss(ex))
        {
            Interlocked.Increment(ref _secondGoes);
            await Task.Delay(PauseBeforeTheSecondGo, ct);
            DropIdleSessions();
            return await UseOnceAsync(act, ct);
        }
    }

    private void DropIdleSessions()
    {
        while (_idle.TryTake(out var session))
            session.Dispose();
    }

    private async Task<T> UseOnceAsync<T>(Func<ISession, T> act, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(ct);
        ISession? session = null;
        var myTurn = false;
        try
        {
            if (turns is not null)
            {
                await turns.InThisProcess.WaitAsync(ct);
                myTurn = true;
            }

            // Opening and logging in read the token too, so they are inside the turn.
            T Call()
            {
                session = _idle.TryTake(out var idle) ? idle : Open();
                return act(session);
            }

            return turns is null ? Call() : turns.Module.AcrossProcesses("token objects|" + Label, Call);
        }
        catch (Pkcs11Exception ex) when (session is not null && Broken.Contains(ex.RV))
        {
            // The session itself is gone (token removed, logged out): the next call opens a fresh one.
            session.Dispose();
            session = null;
            throw;
        }
        finally
        {
            if (session is not null)
                _idle.Add(session);
            if (myTurn)
                turns!.InThisProcess.Release();
            _gate.Release();
        }
    }

    private ISession Open()
    {
        var session = slot.OpenSession(SessionType.ReadWrite);
        try
        {
            session.Login(CKU.CKU_USER, pin());
        }
        catch (Pkcs11Exception ex) when (ex.RV == CKR.CKR_USER_ALREADY_LOGGED_IN)
        {
            // Login is per token and application: the pool's first session logged every later one in.
        }
        catch (Pkcs11Exception ex) when (ex.RV is CKR.CKR_PIN_INCORRECT or CKR.CKR_PIN_LEN_RANGE or CKR.CKR_PIN_LOCKED or CKR.CKR_PIN_EXPIRED)
        {
            session.Dispose();
            throw new KeyUnavailableException(
                $"Token '{Label}' refused the user PIN ({ex.RV}): set the right one in {Pkcs11Options.Section}:PinFile or the variable named by {Pkcs11Options.Section}:PinEnvironmentVariable.", ex);
        }
        catch
        {
            session.Dispose();
            throw;
        }

        return session;
    }

    public void Dispose()
    {
        if (_disposed)
            return;
        _disposed = true;
        DropIdleSessions();
        _gate.Dispose();
    }

    /// <summary>A token's turns: one semaphore for every pool of this process on the token, and the module's lock across processes.</summary>
    internal sealed record Turns(Pkcs11Module Module, SemaphoreSlim InThisProcess);
}
