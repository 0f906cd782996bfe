using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Net.Pkcs11Interop.Common;
using Net.Pkcs11Interop.HighLevelAPI;

namespace Console.Workflows.Keys.Hsm;

/// <summary>
/// A PKCS#11 library, loaded and initialised once per process (a second C_Initialize in one process fails), and the
/// tokens it shows. Listing slots and provisioning a token are serialised: both change what the slot list says.
/// </summary>
internal sealed class Pkcs11Module
{
    private static readonly ConcurrentDictionary<string, Lazy<Pkcs11Module>> Loaded = new(StringComparer.Ordinal);
    private static int _resolverSet;

    private readonly Lock _slots = new();
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _tokenTurns = new(StringComparer.Ordinal);

    private Pkcs11Module(string path)
    {
        Path = path;
        Factories = new Pkcs11InteropFactories();
        Library = Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, path, AppType.MultiThreaded);
        var info = Library.GetInfo();
        TokensTakeTurns = NeedsTurnsOnATokenStore(info.ManufacturerId, info.LibraryVersion);
    }

    public string Path { get; }

    /// <summary>
    /// Whether calls on one token must not overlap, in this process or in another on this host: SoftHSM2 before 2.7.0
    /// (Debian 12 ships 2.6.1) writes an object's file while holding its lock but flushes it only after unlocking, and
    /// marks an object whose file it reads empty as invalid. A session that searches or uses the token while another
    /// generates a key then reads a half-written file: the generation fails (CKR_TEMPLATE_INCONSISTENT or
    /// CKR_GENERAL_ERROR), the new key reads as not allowed to encrypt (CKR_KEY_FUNCTION_NOT_PERMITTED), or a search
    /// misses it (SoftHSMv2 issue 573, fixed by its commits 07f0b98 and 90aa89c in 2.7.0). A real HSM needs no turns.
    /// </summary>
    public bool TokensTakeTurns { get; }

    public Pkcs11InteropFactories Factories { get; }

    public IPkcs11Library Library { get; }

    public static Pkcs11Module Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new InvalidOperationException($"The PKCS#11 module {path} does not exist ({Pkcs11Options.Section}:ModulePath); for SoftHSM2: apt-get install softhsm2.");
        ResolveLibdl();
        var module = Loaded.GetOrAdd(path, p => new Lazy<Pkcs11Module>(() => new Pkcs11Module(p)));
        try
        {
            return module.Value;
        }
        catch
        {
            Loaded.TryRemove(new KeyValuePair<string, Lazy<Pkcs11Module>>(path, module));
            throw;
        }
    }

    /// <summary>
    /// A pool of <paramref name="sessions"/> logged-in sessions on the token in <paramref name="slot"/>; every pool of this
    /// process on one token shares its turns when the library needs them (<see cref="TokensTakeTurns"/>).
    /// </summary>
    public Pkcs11Token OpenToken(ISlot slot, string label, Func<string> pin, int sessions) =>
        new(slot, label, pin, sessions, TokensTakeTurns ? new Pkcs11Token.Turns(this, _tokenTurns.GetOrAdd(label, _ => new SemaphoreSlim(1, 1))) : null);

    internal static bool NeedsTurnsOnATokenStore(string manufacturer, string libraryVersion) =>
        manufacturer.Trim().StartsWith("SoftHSM", StringComparison.OrdinalIgnoreCase)
        && (!Version.TryParse(libraryVersion, out var version) || version < new Version(2, 7));

    /// <summary>The initialised token labelled <paramref name="label"/>, or null.</summary>
    public ISlot? FindToken(string label)
    {
        lock (_slots)
            return FindTokenUnlocked(label);
    }

    /// <summary>Initialises a free slot's token as <paramref name="label"/> and sets its user PIN (SoftHSM's free slot).</summary>
    public ISlot ProvisionToken(string label, string soPin, string userPin)
    {
        lock (_slots)
            return AcrossProcesses("token|" + label, () => ProvisionTokenUnlocked(label, soPin, userPin));
    }

    /// <summary>
    /// Runs <paramref name="act"/> while no other process of this host runs one for the same <paramref name="what"/> on this
    /// module: two consoles (or a console and its test hosts) on one SoftHSM store must not both create one token or key.
    /// </summary>
    public T AcrossProcesses<T>(string what, Func<T> act)
    {
        ArgumentNullException.ThrowIfNull(act);
        var name = "vnf-pkcs11-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path + "|" + what)))[..24];
        using var mutex = new Mutex(false, name);
        bool owned;
        try
        {
            owned = mutex.WaitOne(TimeSpan.FromSeconds(60));
        }
        catch (AbandonedMutexException)
        {
            // The process holding it died; what it made is found by the caller's search.
            owned = true;
        }

        if (!owned)
            throw new KeyUnavailableException($"Timed out after 60 s waiting for another process holding {what} in the PKCS#11 module {Path}.");
        try
        {
            return act();
        }
        finally
        {
            mutex.ReleaseMutex();
        }
    }

    private ISlot ProvisionTokenUnlocked(string label, string soPin, string userPin)
    {
        {
            if (FindTokenUnlocked(label) is { } existing)
                return existing;
            var free = Library.GetSlotList(SlotsType.WithTokenPresent).FirstOrDefault(s => !s.GetTokenInfo().TokenFlags.TokenInitialized)
                ?? throw new KeyUnavailableException($"The PKCS#11 module {Path} has no free slot to initialise token '{label}' in.");
            free.InitToken(soPin, label);
            using (var session = free.OpenSession(SessionType.ReadWrite))
            {
                session.Login(CKU.CKU_SO, soPin);
                session.InitPin(userPin);
                session.Logout();
            }

            // SoftHSM adds the next free slot when the slot list is read again.
            return FindTokenUnlocked(label) ?? throw new KeyUnavailableException($"Token '{label}' was initialised but is not listed.");
        }
    }

    private ISlot? FindTokenUnlocked(string label) =>
        Library.GetSlotList(SlotsType.WithTokenPresent).FirstOrDefault(s =>
        {
            var info = s.GetTokenInfo();
            return info.TokenFlags.TokenInitialized && string.Equals(info.Label.TrimEnd(), label, StringComparison.Ordinal);
        });

    // Pkcs11Interop P/Invokes "libdl"; glibc 2.34+ (Debian 12) ships only libdl.so.2 unless the -dev package is there.
    private static void ResolveLibdl()
    {
        if (!OperatingSystem.IsLinux() || Interlocked.Exchange(ref _resolverSet, 1) == 1)
            return;
        NativeLibrary.SetDllImportResolver(typeof(Pkcs11InteropFactories).Assembly, static (name, assembly, searchPath) =>
            name == "libdl" && NativeLibrary.TryLoad("libdl.so.2", out var handle) ? handle : IntPtr.Zero);
    }
}
