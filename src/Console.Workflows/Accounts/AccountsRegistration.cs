using Console.Workflows.Accounts.EnrollingSecondFactor;
using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Keys;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Accounts;

public static class AccountsRegistration
{
    /// <summary>The Wolverine handlers of the account commands (the request workflow's registration includes them).</summary>
    internal static readonly Type[] Handlers = [typeof(AccountHandler), typeof(SecondFactorHandler), typeof(ResettingSecondFactor.ResetSecondFactorHandler)];

    /// <summary>Account streams and their inline snapshot, the document sign-in and the directory check read.</summary>
    public static StoreOptions AddAccounts(this StoreOptions opts)
    {
        opts.Projections.Snapshot<UserAccount>(SnapshotLifecycle.Inline);
        opts.Schema.For<UserAccount>().DocumentAlias("user_account");
        opts.Projections.Snapshot<SecondFactor>(SnapshotLifecycle.Inline);
        opts.Schema.For<SecondFactor>().DocumentAlias("second_factor");
        opts.Schema.For<SecondFactorSecret>().DocumentAlias("second_factor_secret");
        return opts;
    }

    /// <summary>Step-up: the secrets' key (from the key folder) and how old an Entra ID sign-in may be.</summary>
    public static IServiceCollection AddStepUp(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(StepUpOptions.From(configuration));
        services.TryAddSingleton(sp => new SecondFactorSecrets(
            KeyStoreOptions.From(configuration), sp.GetRequiredService<ILogger<SecondFactorSecrets>>()));
        services.TryAddSingleton<StepUpCheck>();
        services.TryAddScoped<ISecondFactorReader, MartenSecondFactorReader>();
        return services;
    }
}
