using Console.Workflows.Policy.Revising;
using JasperFx.Events.Projections;
using Marten;

namespace Console.Workflows.Policy;

public static class PolicyRegistration
{
    /// <summary>The policy's command handlers, run by the workflow's Wolverine runtime.</summary>
    internal static readonly Type[] Handlers = [typeof(RevisePolicyHandler)];

    /// <summary>The one policy stream and its inline snapshot, the revision every submission is judged by.</summary>
    public static StoreOptions AddPolicy(this StoreOptions opts)
    {
        opts.Projections.Snapshot<ApprovalPolicy>(SnapshotLifecycle.Inline);
        return opts;
    }
}
