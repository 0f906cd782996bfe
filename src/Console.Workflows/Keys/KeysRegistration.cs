using Console.Workflows.Keys.Hsm;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Console.Workflows.Keys;

public static class KeysRegistration
{
    /// <summary>The embedded key store's table of wrapped data keys.</summary>
    public static StoreOptions AddKeyStore(this StoreOptions opts)
    {
        ArgumentNullException.ThrowIfNull(opts);
        opts.Schema.For<StoredDataKey>().DocumentAlias("key_store_data_key").Index(x => x.TrustDomainId);
        return opts;
    }

    /// <summary>
    /// The embedded key store: KEKs from the master key file (<c>Keys</c> section) or, with <c>Keys:Provider=Pkcs11</c>,
    /// in a PKCS#11 token per trust domain; wrapped keys in PostgreSQL. A host
    /// that registers its own <see cref="IKeyEncryptionKeys"/> or <see cref="IKeyStore"/> first (a Key Vault adapter)
    /// keeps it.
    /// </summary>
    public static IServiceCollection AddKeyStore(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSigningKeys();
        services.TryAddSingleton(KeyStoreOptions.From(configuration));
        services.AddPkcs11KeyEncryptionKeysIfChosen(configuration);
        services.TryAddSingleton<IKeyEncryptionKeys, LocalKeyEncryptionKeys>();
        services.TryAddSingleton<IKeyStore, MartenKeyStore>();
        return services;
    }

    /// <summary>
    /// The signing-key port: by default the file adapter over every registered <see cref="SigningKeyFile"/> (each capability
    /// registers where its key is). A host that registers its own <see cref="ISigningKeys"/> first (an HSM) keeps it.
    /// </summary>
    /// <remarks>
    /// With <c>Keys:Provider=Pkcs11</c> the keys live in the signing token instead (<see cref="Pkcs11SigningKeys"/>); a
    /// registered key file that exists is imported into the token once, so signatures made before stay verifiable.
    /// </remarks>
    public static IServiceCollection AddSigningKeys(this IServiceCollection services)
    {
        services.TryAddSingleton<ISigningKeys>(sp =>
            sp.GetService<IConfiguration>() is { } configuration && Pkcs11Registration.Chosen(configuration)
                ? new Pkcs11SigningKeys(Pkcs11Options.From(configuration), sp.GetServices<SigningKeyFile>(),
                    sp.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Pkcs11SigningKeys>>())
                : ActivatorUtilities.CreateInstance<LocalSigningKeys>(sp));
        return services;
    }
}
