using System.Collections.Concurrent;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Console.Workflows.Keys.Hsm;

/// <summary>
/// One trust domain's token and a small pool of logged-in sessions on it. A PKCS#11 session serves one thread at a
/// time: each call borrows a session for its duration; at most <see cref="Pkcs11Options.SessionsPerToken"/> are open.
/// </summary>
internal sealed class Pkcs11Token(ISlot slot, string label, Func<string> pin, int sessions) : IDisposable
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

    public async Task<T> UseAsync<T>(Func<ISession, T> act, CancellationToken ct)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _gate.WaitAsync(ct);
        ISession? session = null;
        try
        {
            session = _idle.TryTake(out var idle) ? idle : Open();
            return act(session);
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
        while (_idle.TryTake(out var session))
            session.Dispose();
        _gate.Dispose();
    }
}
