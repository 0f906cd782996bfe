using Console.Workflows.Audit.Access;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
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
    /// The history's reader, the access journal, and the recording of refused attempts around the request, inventory
    /// and policy commands. Call after those services are registered (it decorates them).
    /// </summary>
    public static IServiceCollection AddSecurityHistory(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<IAccessJournal, MartenAccessJournal>();
        services.AddScoped<IHistoryReader, MartenHistoryReader>();
        services.Decorate<IRequestCommands>((sp, inner) => new AccessRecordingRequestCommands(inner, sp.GetRequiredService<IAccessJournal>()));
        services.Decorate<IInventoryCommands>((sp, inner) => new AccessRecordingInventoryCommands(inner, sp.GetRequiredService<IAccessJournal>()));
        services.Decorate<IPolicyService>((sp, inner) => new AccessRecordingPolicyService(inner, sp.GetRequiredService<IAccessJournal>()));
        return services;
    }

    /// <summary>Wraps the last registration of <typeparamref name="TService"/>, keeping its lifetime.</summary>
    internal static void Decorate<TService>(this IServiceCollection services, Func<IServiceProvider, TService, TService> decorate)
        where TService : class
    {
        var original = services.LastOrDefault(d => d.ServiceType == typeof(TService) && !d.IsKeyedService)
            ?? throw new InvalidOperationException($"{typeof(TService).Name} must be registered before it can be decorated.");
        services.Remove(original);
        services.Add(ServiceDescriptor.Describe(typeof(TService), sp => decorate(sp, Create<TService>(sp, original)), original.Lifetime));
    }

    private static TService Create<TService>(IServiceProvider services, ServiceDescriptor original)
        where TService : class =>
        (TService)(original.ImplementationInstance
            ?? original.ImplementationFactory?.Invoke(services)
            ?? ActivatorUtilities.CreateInstance(services, original.ImplementationType!));
}
