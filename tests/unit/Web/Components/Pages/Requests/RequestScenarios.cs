using Console.UnitTests.Web.Fakes;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Requests.Submitting;

namespace Console.UnitTests.Web.Components.Pages.Requests;

/// <summary>Inventories and requests the request, approval and policy page tests start from.</summary>
public static class RequestScenarios
{
    public const string PartnerOwners = "Partner Cloud Owners";

    /// <summary>
    /// A UDM in a highly trusted core data centre that Signalling operates, with a Critical subscriber store and a Public
    /// metrics exporter; a low-trust edge site; and a highly trusted partner cloud operated by another trust domain.
    /// </summary>
    public sealed record World(
        TrustDomain SubscriberData,
        TrustDomain Signalling,
        TrustDomain Partner,
        ExecutionEnvironment CoreDc,
        ExecutionEnvironment EdgeSite,
        ExecutionEnvironment PartnerCloud,
        Vnf Udm)
    {
        public VnfComponent Store => Udm.Components.Single(c => c.Name == "udm-store");

        public VnfComponent Metrics => Udm.Components.Single(c => c.Name == "udm-metrics");
    }

    public static World WithUdmAndPartnerCloud(InMemoryInventory inventory)
    {
        var subscriberData = inventory.AddTrustDomain("Subscriber Data", "Core Security Team");
        var signalling = inventory.AddTrustDomain("Signalling", "Core Network Ops");
        var partner = inventory.AddTrustDomain("Partner Cloud", PartnerOwners);
        var core = Operated(inventory, inventory.AddEnvironment("Frankfurt Core DC", TrustLevel.High), subscriberData);
        var edge = inventory.AddEnvironment("Munich Edge 3", TrustLevel.Low, EnvironmentKind.EdgeSite, "Munich");
        var cloud = Operated(inventory, inventory.AddEnvironment("Partner Cloud West", TrustLevel.High, EnvironmentKind.PublicCloud, "Dublin"), partner);
        var udm = inventory.AddVnf("udm-1", VnfType.UDM, core,
            ("udm-store", Sensitivity.Critical, subscriberData), ("udm-metrics", Sensitivity.Public, signalling));
        return new World(subscriberData, signalling, partner, core, edge, cloud, udm);
    }

    /// <summary>
    /// The operator asks to move the whole UDM into the partner cloud: Critical and crossing trust domains, so it needs
    /// a NOC approver, a security officer and a member of the partner domain's owner group.
    /// </summary>
    public static ChangeRequest WithPendingCriticalMigration(InMemoryRequests store, World world, DateTimeOffset at) =>
        Submit(store, world, RequestKind.Migration, world.PartnerCloud.Id, at, "Move the UDM to the partner cloud for the maintenance window.");

    public static ChangeRequest WithPendingSnapshot(InMemoryRequests store, World world, DateTimeOffset at) =>
        Submit(store, world, RequestKind.Snapshot, null, at, "Snapshot before the 23.4 upgrade of the UDM.");

    public static ChangeRequest Submit(
        InMemoryRequests store, World world, RequestKind kind, Guid? target, DateTimeOffset at, string justification,
        string requesterId = RequestPageTest.Users.Operator, string requesterName = "Olivia Operator")
    {
        var content = new RequestContent(kind, world.Udm.Id, [.. world.Udm.Components.Select(c => c.Id)], world.CoreDc.Id, target, null, 1);
        var facts = new SubmissionFacts(
            world.Udm, store.Inventory.Environments.ToDictionary(e => e.Id), store.Inventory.TrustDomains.ToDictionary(d => d.Id),
            new ApprovalPolicy(ApprovalPolicy.StreamId, 1, DefaultPolicy.Document, "system:seed", at), null);
        var id = Guid.NewGuid();
        return store.Add(new RequestSubmitted(id, content, ContentDigest.Of(content, justification, null), world.Udm.Name, justification, null,
            ApprovalRules.RequirementFor(content, facts), requesterId, requesterName, at, at + TimeSpan.FromHours(24)));
    }

    private static ExecutionEnvironment Operated(InMemoryInventory inventory, ExecutionEnvironment environment, TrustDomain domain)
    {
        var operated = environment with { OperatorDomainId = domain.Id };
        inventory.Environments[inventory.Environments.IndexOf(environment)] = operated;
        return operated;
    }
}
