using Console.Workflows.Keys;
using Console.Workflows.Policy;
using Console.Workflows.Snapshots.Holding;
using Console.Workflows.Snapshots.MarkingNotNeeded;
using Console.Workflows.Snapshots.Pinning;
using Console.Workflows.Snapshots.Protecting;
using Console.Workflows.Snapshots.Retention;
using Console.Workflows.Snapshots.Sweeping;
using Console.Workflows.Snapshots.Viewing;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Wolverine;
using Wolverine.Marten;

namespace Console.Workflows.Snapshots;

public static class SnapshotsRegistration
{
    /// <summary>The local queue the sweep and retention re-assignment run on, one message at a time per node.</summary>
    public const string LifecycleQueue = "snapshot-lifecycle";

    /// <summary>
    /// The local queue of the sweep's deletions (<see cref="DeleteDueSnapshot"/>), <see cref="SnapshotLifecycleOptions.DeletionParallelism"/>
    /// at a time per node.
    /// </summary>
    public const string DeletionQueue = "snapshot-deletions";

    /// <summary>The name of the recurring sweep schedule (its identity in Wolverine's schedule tracking).</summary>
    public const string SweepSchedule = "snapshot-retention-sweep";

    internal static readonly Type[] Handlers =
    [
        typeof(PinSnapshotHandler), typeof(LegalHoldHandler), typeof(MarkSnapshotNotNeededHandler),
        typeof(SweepSnapshotsHandler), typeof(DeleteDueSnapshotHandler), typeof(ReassignRetentionHandler),
    ];

    /// <summary>
    /// Snapshot streams (one per artefact) and their inline documents: listed per VNF, and found by the sweep through
    /// <see cref="Snapshot.DueAt"/> without reading snapshots that are not due.
    /// </summary>
    public static StoreOptions AddSnapshots(this StoreOptions opts)
    {
        ArgumentNullException.ThrowIfNull(opts);
        opts.Projections.Snapshot<Snapshot>(SnapshotLifecycle.Inline);
        opts.Schema.For<Snapshot>()
            .Index(x => x.VnfId)
            .Index(x => x.RequestId)
            .Index(x => x.Status)
            .Index(x => x.DueAt);
        return opts;
    }

    /// <summary>
    /// Relays every policy revision from the event store to <see cref="ReassignRetentionHandler"/> through a durable
    /// subscription of the projection daemon: a revision committed while no node runs is still acted on later.
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression RelayPolicyRevisionsToRetention(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten)
    {
        ArgumentNullException.ThrowIfNull(marten);
        marten.PublishEventsToWolverine("snapshot-retention-policy", relay =>
            relay.PublishEvent<PolicyRevised>((e, bus) => bus.PublishAsync(new ReassignRetention(e.Data.Revision))));
        return marten;
    }

    /// <summary>The lifecycle's handlers, its queue and the recurring sweep, on the workflow's Wolverine runtime.</summary>
    public static WolverineOptions AddSnapshotLifecycle(this WolverineOptions opts, SnapshotLifecycleOptions options)
    {
        ArgumentNullException.ThrowIfNull(opts);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var handler in Handlers)
            opts.Discovery.IncludeType(handler);
        opts.PublishMessage<SweepSnapshots>().ToLocalQueue(LifecycleQueue);
        opts.PublishMessage<ReassignRetention>().ToLocalQueue(LifecycleQueue);
        opts.LocalQueue(LifecycleQueue).Sequential();
        opts.PublishMessage<DeleteDueSnapshot>().ToLocalQueue(DeletionQueue);
        opts.LocalQueue(DeletionQueue).MaximumParallelMessages(options.DeletionParallelism);
        opts.Schedules.ScheduleRecurring(SweepSchedule, options.SweepCron(), occurrence => new SweepSnapshots(occurrence));
        return opts;
    }

    /// <summary>
    /// Protection, retention and secure deletion: options, the key store, the manifest signer, the sweep, the commands
    /// and readers pages use.
    /// </summary>
    public static IServiceCollection AddSnapshotLifecycle(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = SnapshotLifecycleOptions.From(configuration);
        services.TryAddSingleton(options);
        services.AddKeyStore(configuration);
        services.AddSingleton(sp => EcdsaManifestSigner.KeyFile(
            options.ResolvedManifestSigningKey(sp.GetRequiredService<KeyStoreOptions>()), createIfMissing: true));
        services.TryAddSingleton<IManifestSigner>(sp => new EcdsaManifestSigner(sp.GetRequiredService<ISigningKeys>()));
        services.TryAddSingleton<SecureDeletion>();
        services.TryAddSingleton<SnapshotSweeper>();
        services.TryAddSingleton<ISnapshotRestoreGuard, SnapshotRestoreGuard>();
        services.TryAddScoped<ISnapshotLifecycleReader, MartenSnapshotLifecycleReader>();
        return services;
    }
}
