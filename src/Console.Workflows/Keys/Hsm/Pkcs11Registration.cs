using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Keys.Hsm;

public static class Pkcs11Registration
{
    /// <summary>
    /// Registers <see cref="Pkcs11KeyEncryptionKeys"/> when <c>Keys:Provider</c> is <c>Pkcs11</c>; <c>File</c> (the
    /// default) leaves the master-key-file KEKs. Any other value stops start-up with the choices.
    /// </summary>
    public static IServiceCollection AddPkcs11KeyEncryptionKeysIfChosen(this IServiceCollection services, IConfiguration configuration)
    {
        if (!Chosen(configuration))
            return services;
        var options = Pkcs11Options.From(configuration);
        services.TryAddSingleton<IKeyEncryptionKeys>(sp =>
            new Pkcs11KeyEncryptionKeys(options, sp.GetRequiredService<ILogger<Pkcs11KeyEncryptionKeys>>(),
                earlier: () => new LocalKeyEncryptionKeys(sp.GetRequiredService<KeyStoreOptions>(), sp.GetRequiredService<ILogger<LocalKeyEncryptionKeys>>())));
        return services;
    }

    /// <summary>Whether <c>Keys:Provider</c> chooses the HSM; File (the default) does not, anything else stops start-up with the choices.</summary>
    public static bool Chosen(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var provider = configuration[$"{KeyStoreOptions.Section}:Provider"];
        if (string.IsNullOrWhiteSpace(provider) || provider.Equals("File", StringComparison.OrdinalIgnoreCase))
            return false;
        if (!provider.Equals("Pkcs11", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException($"{KeyStoreOptions.Section}:Provider is '{provider}'; it must be File or Pkcs11.");
        return true;
    }
}
