using Microsoft.Extensions.Configuration;

namespace Console.Workflows.Keys;

/// <summary>
/// Where the console keeps its own secret key material, outside the database (configuration section <c>Keys</c>).
/// The folder holds the KEK master key and, by default, the manifest-signing key; back it up separately from the
/// database: without it no snapshot can be unwrapped or its manifest verified.
/// </summary>
public sealed class KeyStoreOptions
{
    public const string Section = "Keys";

    /// <summary>Folder of the key files; default <c>~/.local/share/vnf-console/keys</c> of the user running the console.</summary>
    public string? Folder { get; set; }

    /// <summary>The KEK master key (32 random bytes, base64); default <c>kek-master.key</c> in <see cref="Folder"/>.</summary>
    public string? MasterKeyFile { get; set; }

    public string ResolvedFolder => string.IsNullOrWhiteSpace(Folder)
        ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create),
            "vnf-console", "keys")
        : Folder;

    public string ResolvedMasterKeyFile => string.IsNullOrWhiteSpace(MasterKeyFile)
        ? Path.Combine(ResolvedFolder, "kek-master.key")
        : MasterKeyFile;

    public static KeyStoreOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(Section).Get<KeyStoreOptions>() ?? new KeyStoreOptions();
    }
}
