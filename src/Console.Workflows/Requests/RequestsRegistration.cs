using Console.Workflows.Accounts;
using Console.Workflows.Attestation;
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

    /// <summary>
    /// How often each node records that it is alive (Wolverine's node health check). With <see cref="DeadNodeAfter"/>
    /// it decides how soon the work of a node that died (SIGKILL, power loss) moves to another node.
    /// </summary>
    public TimeSpan NodeHealthCheckInterval { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// How long a node may go without recording that it is alive before the others take its stored messages over
    /// (Wolverine's stale-node timeout; it is ejected after two health checks that see it stale). Wolverine's own default,
    /// one minute, left executions of a killed node waiting 80 to 93 s in the crash campaign; with 12 s and checks every
    /// 3 s they may be taken over after 23 s (docs/cluster.md says what the campaign measured). Much lower risks taking
    /// over the work of a node that is only slow.
    /// </summary>
    public TimeSpan DeadNodeAfter { get; set; } = TimeSpan.FromSeconds(12);

    /// <summary>
    /// Eject a node as soon as its database session has ended and it stays silent for <see cref="DeadSessionGrace"/>
    /// (<see cref="Executing.NodeLiveness"/>): a killed process's work moves within seconds instead of after
    /// <see cref="DeadNodeAfter"/>. Off, only the missed heartbeats count.
    /// </summary>
    public bool EjectOnLostSession { get; set; } = true;

    /// <summary>How often each node looks at the other nodes' liveness locks.</summary>
    public TimeSpan LivenessCheckInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a node whose session ended must stay silent (no new session holding its lock, no heartbeat) before it is
    /// ejected. At least two <see cref="LivenessCheckInterval"/>s: a live node that only lost its lock's connection
    /// notices at its next look and takes its lock again at once. A live node keeps its lock however slow it is, so the
    /// grace does not have to outlast a busy node's pause, only a reconnection.
    /// </summary>
    public TimeSpan DeadSessionGrace { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// The longest a killed node's stored messages can wait before another node may run them: stale, then seen stale
    /// on two health checks, then the next sweep of orphaned messages (every 5 s).
    /// </summary>
    public TimeSpan WorstCaseTakeOver => DeadNodeAfter + 2 * NodeHealthCheckInterval + TimeSpan.FromSeconds(5);

    /// <summary>How old target attestation evidence may be when execution judges it.</summary>
    public TimeSpan AttestationMaxAge { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How many executions one node runs at once. Each waits mostly on the infrastructure, so a slot costs little; what
    /// matters is headroom: when a node dies, the survivors take its executions over on top of their own, and with 4
    /// slots (the earlier default) a taken-over execution waited 20 to 30 s for one of the survivor's own to finish.
    /// </summary>
    public int ExecutionParallelism { get; set; } = 16;

    /// <summary>
    /// How many executions may run a step on this node's CPU and the database at once while people's commands are
    /// being carried out on the node (<see cref="Executing.ExecutionShare"/>): the rest wait, so an approval is not
    /// slowed by a backlog of executions. At least 1; as many as <see cref="ExecutionParallelism"/> turns it off.
    /// </summary>
    public int ExecutionParallelismUnderLoad { get; set; } = 1;

    /// <summary>
    /// The fraction of the time each place under load (<see cref="ExecutionParallelismUnderLoad"/>) may be busy: a step
    /// that held it for 10 ms at 0.25 keeps it closed for 30 ms more. 1 gives it back at once.
    /// </summary>
    public double ExecutionDutyUnderLoad { get; set; } = 0.25;

    /// <summary>How long after a person's command ended the node still counts as busy with commands.</summary>
    public TimeSpan CommandLinger { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>
    /// How long one delivery of an execution may run before it is cancelled and retried like any unexpected failure (the
    /// same attempt resumes; the infrastructure's operation id keeps the operation itself once), and recorded as failed
    /// when the retries run out. Wolverine's own limit for every handler, one minute, is shorter than a real snapshot or
    /// migration: a delivery past it was cancelled in the middle of its operation, and as a cancellation looks like the
    /// node stopping, nothing retried it and the request stayed "Executing".
    /// </summary>
    public TimeSpan ExecutionTimeout { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How often stored scheduled messages are polled (request expiry, and executions handed over through the schedule);
    /// they arrive up to this late.
    /// </summary>
    public TimeSpan ScheduledJobPollingTime { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Start a handed-over execution right after its command commits (<see cref="ExecutionWakeup"/>) rather than at
    /// the next poll of the schedule. Off, executions start up to <see cref="ScheduledJobPollingTime"/> late.
    /// </summary>
    public bool WakeExecutionsOnCommit { get; set; } = true;

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
        if (options.ExecutionParallelismUnderLoad < 1)
            throw new InvalidOperationException(
                $"{Section}:{nameof(ExecutionParallelismUnderLoad)} is {options.ExecutionParallelismUnderLoad}; it must be at least 1, "
                + "or a steady stream of approvals would stop every execution.");
        if (!(options.ExecutionDutyUnderLoad is > 0 and <= 1))
            throw new InvalidOperationException(
                $"{Section}:{nameof(ExecutionDutyUnderLoad)} is {options.ExecutionDutyUnderLoad}; it is a fraction of the time, more than 0 and at most 1.");
        if (options.CommandLinger < TimeSpan.Zero)
            throw new InvalidOperationException($"{Section}:{nameof(CommandLinger)} is {options.CommandLinger}; it may not be negative.");
        if (options.ExecutionTimeout <= TimeSpan.Zero)
            throw new InvalidOperationException(
                $"{Section}:{nameof(ExecutionTimeout)} is {options.ExecutionTimeout}; it must be positive, or no execution could run at all.");
        if (options.NodeHealthCheckInterval <= TimeSpan.Zero || options.DeadNodeAfter < 3 * options.NodeHealthCheckInterval)
            throw new InvalidOperationException(
                $"{Section}:{nameof(DeadNodeAfter)} ({options.DeadNodeAfter}) must be at least three {nameof(NodeHealthCheckInterval)}s "
                + $"({options.NodeHealthCheckInterval}), or a node that misses one check is taken for dead while it still works.");
        if (options.LivenessCheckInterval <= TimeSpan.Zero || options.DeadSessionGrace < 2 * options.LivenessCheckInterval)
            throw new InvalidOperationException(
                $"{Section}:{nameof(DeadSessionGrace)} ({options.DeadSessionGrace}) must be at least two {nameof(LivenessCheckInterval)}s "
                + $"({options.LivenessCheckInterval}), or a live node that only lost its lock's connection could be taken for dead before it takes the lock again.");
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
    /// the events), and Marten's async projections and subscriptions run as Wolverine agents: all on the one node in
    /// <see cref="DurabilityMode.Solo"/>, each on one node of the cluster in <see cref="DurabilityMode.Balanced"/>, moved
    /// to another when a node dies. Wolverine starts them once its runtime is up, so the subscriptions that publish to
    /// Wolverine (the retention relay, notifications) can never publish before it has started, as they could when
    /// Marten's own daemon (a hosted service started before Wolverine's) ran them (WolverineHasNotStartedException).
    /// </summary>
    public static MartenServiceCollectionExtensions.MartenConfigurationExpression IntegrateWithConsoleWorkflow(
        this MartenServiceCollectionExtensions.MartenConfigurationExpression marten, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(marten);
        ArgumentNullException.ThrowIfNull(configuration);
        marten.IntegrateWithWolverine(wolverine => wolverine.UseWolverineManagedEventSubscriptionDistribution = true);
        marten.RelayPolicyRevisionsToRetention();
        return marten;
    }

    /// <summary>
    /// The Wolverine runtime and the workflow's services: <see cref="IConsoleCommandBus"/>, <see cref="IRequestReader"/>,
    /// <see cref="IRequestNotifications"/>, <see cref="IPolicyReader"/>, <see cref="ISnapshotReader"/> and the simulated
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
            opts.Durability.HealthCheckPollingTime = options.NodeHealthCheckInterval;
            opts.Durability.StaleNodeTimeout = options.DeadNodeAfter;

            opts.ApplicationAssembly = typeof(RequestsRegistration).Assembly;
            opts.Discovery.DisableConventionalDiscovery();
            foreach (var handler in Handlers.Concat(InventoryRegistration.Handlers).Concat(PolicyRegistration.Handlers).Concat(AttestationSetup.Handlers)
                         .Concat(AccountsRegistration.Handlers).Concat(Audit.Integrity.IntegrityRegistration.Handlers))
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
        services.TryAddSingleton<CommandPressure>();
        services.AddSingleton<ExecutionShare>();
        if (options.DurabilityMode == DurabilityMode.Balanced)
        {
            services.AddHostedService<ExecutionHandlerWarmup>();
            services.AddSingleton<ReleasedExecutionRecovery>();
            services.AddHostedService(sp => sp.GetRequiredService<ReleasedExecutionRecovery>());
            if (options.EjectOnLostSession)
                services.AddHostedService<NodeLivenessWatch>();
        }
        services.AddSingleton<RequestNotifications>();
        services.AddSingleton<IRequestNotifications>(sp => sp.GetRequiredService<RequestNotifications>());
        services.AddSingleton<RequestChangeRelay>();
        services.AddHostedService(sp => sp.GetRequiredService<RequestChangeRelay>());
        services.AddSingleton<IConfigureMarten, RequestNotificationsConfiguration>();
        if (options.WakeExecutionsOnCommit)
        {
            services.AddSingleton<ExecutionWakeup>();
            services.AddHostedService(sp => sp.GetRequiredService<ExecutionWakeup>());
            services.AddSingleton<IConfigureMarten, ExecutionWakeupConfiguration>();
        }

        // Every command is issued through this one bus (see IConsoleCommand); the remaining capability ports forward to it.
        services.AddScoped<CommandBus>();
        services.AddScoped<IConsoleCommandBus>(sp => sp.GetRequiredService<CommandBus>());
        services.AddScoped<IRequestReader, MartenRequestReader>();
        services.AddScoped<IPolicyReader, MartenPolicyReader>();
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
