using Console.Workflows.Audit.Access;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Console.Workflows.Audit.History;

public static class HistoryRegistration
{
    /// <summary>
    /// The history's tables, its subject documents, the access events and the daemon subscription that feeds it. Call
    /// after the store's schema name is set (the tables live in it).
    /// </summary>
    public static StoreOptions AddHistory(this StoreOptions opts)
    {
        ArgumentNullException.ThrowIfNull(opts);
        var schema = new HistorySchema(opts.DatabaseSchemaName);
        foreach (var table in schema.Tables())
            opts.Storage.ExtendedSchemaObjects.Add(table);
        opts.Schema.For<HistorySubject>().DocumentAlias("history_subject");
        opts.Events.AddEventType<SignedIn>();
        opts.Events.AddEventType<AccessRefused>();
        opts.Events.Subscribe(new HistorySubscription(schema));
        return opts;
    }

    /// <summary>
    /// The history's reader, its live notifications and the access journal, where <see cref="Common.CommandBus"/> records refused commands.
    /// </summary>
    public static IServiceCollection AddSecurityHistory(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IAccessJournal, MartenAccessJournal>();
        services.AddScoped<IHistoryReader, MartenHistoryReader>();
        services.AddSingleton<HistoryNotifications>();
        services.AddSingleton<HistoryChangeRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<HistoryChangeRelay>());
        return services;
    }
}
