using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace Console.Workflows.Accounts;

public static class AccountsRegistration
{
    /// <summary>Account streams and their inline snapshot, the document sign-in and the directory check read.</summary>
    public static StoreOptions AddAccounts(this StoreOptions opts)
    {
        opts.Projections.Snapshot<UserAccount>(SnapshotLifecycle.Inline);
        opts.Schema.For<UserAccount>().DocumentAlias("user_account");
        return opts;
    }

    public static IServiceCollection AddAccountServices(this IServiceCollection services)
    {
        services.AddScoped<IAccountCommands, MartenAccountCommands>();
        return services;
    }
}
