using Console.Workflows.Common;
using Console.Workflows.Guards.Submitting;
using Console.Workflows.Inventory;
using Console.Workflows.Nfv;
using Console.Workflows.Policy;
using Console.Workflows.Policy.Seeding;
using Console.Workflows.Requests.Amending;
using Console.Workflows.Requests.Approving;
using Console.Workflows.Requests.Cancelling;
using Console.Workflows.Requests.Executing;
using Console.Workflows.Requests.Expiring;
using Console.Workflows.Requests.Rejecting;
using Console.Workflows.Requests.Retrying;
using Console.Workflows.Requests.Submitting;
using Console.Workflows.Snapshots;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Wolverine;
using Wolverine.Marten;

namespace Console.Workflows.Requests;

/// <summary>Settings of the durable workflow (configuration section <c>Workflow</c>).</summary>
public sealed class RequestWorkflowOptions
{
    public const string Section = "Workflow";

    /// <summary>
    /// <see cref="DurabilityMode.Balanced"/> (default) lets several console nodes share one database: they elect a
    /// leader that hands out recovery and scheduled-message polling. <see cref="DurabilityMode.Solo"/> is for a single
    /// node (embedded use, tests): it owns every stored message and starts faster.
    /// </summary>
    public DurabilityMode DurabilityMode { get; set; } = DurabilityMode.Balanced;

    /// <summary>How old target attestation evidence may be when execution judges it.</summary>
    public TimeSpan AttestationMaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How many executions one node runs at once (each waits mostly on the infrastructure).</summary>
    public int ExecutionParallelism { get; set; } = 4;

    /// <summary>
    /// How often stored scheduled messages are polled (request expiry, and executions handed over through the schedule);
    /// they arrive up to this late.
    /// </summary>
    public TimeSpan ScheduledJobPollingTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Cooldowns of the quick retries of an execution attempt that throws something unexpected (default 1 s, 5 s,
    /// 30 s); then <see cref="ExecutionScheduledRetries"/>; then the attempt is recorded as failed.
    /// </summary>
    public IReadOnlyList<TimeSpan>? ExecutionRetryCooldowns { get; set; }

    /// <summary>Delays of the retries kept in the durable schedule after the quick ones (default 2, 10, 30 min).</summary>
    public IReadOnlyList<TimeSpan>? ExecutionScheduledRetries { get; set; }

    internal IReadOnlyList<TimeSpan> RetryCooldowns =>
        ExecutionRetryCooldowns is { Count: > 0 } given ? given : [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30)];

    internal IReadOnlyList<TimeSpan> ScheduledRetries =>
        ExecutionScheduledRetries is { Count: > 0 } given ? given : [TimeSpan.FromMinutes(2), TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(30)];

    public static RequestWorkflowOptions From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = configuration.GetSection(Section).Get<RequestWorkflowOptions>() ?? new RequestWorkflowOptions();
        if (options.ExecutionParallelism < 1)
            throw new InvalidOperationException(
                $"{Section}:{nameof(ExecutionParallelism)} is {options.ExecutionParallelism}; it must be at least 1 or no approved request would ever run.");
        return options;
    }
}

/// <summary>
/// One place that registers requests, policy, snapshots and the NFV port: Marten documents and streams, the Wolverine
/// runtime (handlers, durable local queues, outbox, scheduled messages in PostgreSQL) and the services pages use.
/// </summary>
public static class RequestsRegistration
{
    /// <summary>The handlers the workflow runs; listed explicitly so nothing else in the assembly is taken for one.</summary>
    public const string ExecutionQueue = "executions";

    internal static readonly Type[] Handlers =
    [
        typeof(SubmitRequestHandler), typeof(AmendRequestHandler), typeof(ApproveRequestHandler),
        typeof(RejectRequestHandler), typeof(CancelRequestHandler), typeof(RetryExecutionHandler),
        typeof(ExpireRequestHandler), typeof(ExecuteRequestHandler), typeof(SubmitGuardChangeHandler),
    ];

    /// <summary>Request streams and their inline documents, indexed for the list's filters and sorts.</summary>
    public static StoreOptions AddRequests(this StoreOptions opts)
    {
        ArgumentNullException.ThrowIfNull(opts);
        opts.Projections.Snapshot<ChangeRequest>(SnapshotLifecycle.Inline);
        opts.Schema.For<ChangeRequest>()
            .Index(x => x.Status)
            .Index(x => x.SubmittedAt)
            .Index(x => x.LastChangedAt)
            .Index(x => x.RequesterId)
            .Index(x => x.Content.VnfId);
        return opts;
    }

    /// <summary>
    /// Marten as Wolverine's message store (inbox, outbox, scheduled messages in the same database and transaction as
    /// the events) and Marten's projection daemon, in the mode that matches the workflow's durability mode.
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression IntegrateWithConsoleWorkflow(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(marten);
        var options = RequestWorkflowOptions.From(configuration);
        marten.IntegrateWithWolverine();
        marten.RelayPolicyRevisionsToRetention();
        marten.AddAsyncDaemon(options.DurabilityMode == DurabilityMode.Solo ? DaemonMode.Solo : DaemonMode.HotCold);
        return marten;
    }

    /// <summary>
    /// The Wolverine runtime and the workflow's services: <see cref="IRequestCommands"/>, <see cref="IRequestReader"/>,
    /// <see cref="IRequestNotifications"/>, <see cref="IPolicyReader"/>, <see cref="IPolicyCommands"/>, <see cref="ISnapshotReader"/> and the simulated
    /// <see cref="INfvInfrastructure"/>. Call with <see cref="IntegrateWithConsoleWorkflow"/> on the Marten registration.
    /// </summary>
    public static IServiceCollection AddConsoleWorkflow(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = RequestWorkflowOptions.From(configuration);
        var snapshotOptions = SnapshotLifecycleOptions.From(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(options);

        services.AddWolverine(opts =>
        {
            opts.ServiceName = "vnf-console";
            opts.Durability.Mode = options.DurabilityMode;
            opts.Durability.ScheduledJobPollingTime = options.ScheduledJobPollingTime;
            opts.Durability.ScheduledJobFirstExecution = TimeSpan.FromMilliseconds(500);

            opts.ApplicationAssembly = typeof(RequestsRegistration).Assembly;
            opts.Discovery.DisableConventionalDiscovery();
            foreach (var handler in Handlers.Concat(InventoryRegistration.Handlers).Concat(PolicyRegistration.Handlers))
                opts.Discovery.IncludeType(handler);
            opts.AddSnapshotLifecycle(snapshotOptions);

            // Handlers that take an IDocumentSession run in one Marten transaction that also stores outgoing messages.
            opts.Policies.AutoApplyTransactions();
            // ExecuteRequest and ExpireRequest are stored in PostgreSQL until handled, so a restart loses neither.
            opts.Policies.UseDurableLocalQueues();
            // Executions are long background work; a queue of their own with bounded parallelism keeps them from
            // starving the commands people are waiting on.
            opts.PublishMessage<ExecuteRequest>().ToLocalQueue(ExecutionQueue);
            opts.LocalQueue(ExecutionQueue).MaximumParallelMessages(options.ExecutionParallelism);
            opts.Policies.Add(new ExecutionFailurePolicy(options));
            // Wolverine 6 compiles its handler adapters at start-up; the compiler ships separately.
            opts.UseRuntimeCompilation();
            // Generated code says `using System;`: outside a Console.* namespace, `Console.Workflows...` would bind to
            // System.Console.
            opts.CodeGeneration.GeneratedNamespace = "Console.Workflows.Generated";
        });

        services.AddSingleton<ExecutionPipeline>();
        services.AddSingleton<RequestNotifications>();
        services.AddSingleton<IRequestNotifications>(sp => sp.GetRequiredService<RequestNotifications>());
        services.AddSingleton<IConfigureMarten, RequestNotificationsConfiguration>();

        // Every capability's command port issues its commands through this one bus (see ICommandBy).
        services.AddScoped<CommandBus>();
        services.AddScoped<IRequestCommands, WolverineRequestCommands>();
        services.AddScoped<IRequestReader, MartenRequestReader>();
        services.AddScoped<IPolicyReader, MartenPolicyReader>();
        services.AddScoped<IPolicyCommands, WolverinePolicyCommands>();
        services.AddScoped<ISnapshotReader, MartenSnapshotReader>();

        services.AddSnapshotLifecycle(configuration);
        return services;
    }

    /// <summary>Start-up step: a policy must always be in force, so seed revision 1 when there is none.</summary>
    public static Task<bool> EnsureApprovalPolicyAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        return PolicySeedHandler.EnsureSeededAsync(
            services.GetRequiredService<IDocumentStore>(), services.GetRequiredService<TimeProvider>(), ct);
    }
}
