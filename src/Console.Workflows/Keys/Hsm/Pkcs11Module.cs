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

    private Pkcs11Module(string path)
    {
        Path = path;
        Factories = new Pkcs11InteropFactories();
        Library = Factories.Pkcs11LibraryFactory.LoadPkcs11Library(Factories, path, AppType.MultiThreaded);
    }

    public string Path { get; }

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
            throw new KeyUnavailableException($"Timed out after 60 s waiting for another process creating {what} in the PKCS#11 module {Path}.");
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
