using Console.Testing;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.Seeding;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Approvals;
using Console.Workflows.Requests.Submitting;
using Console.Workflows.Snapshots;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Inventory.Seeding;

/// <summary>
/// The demo can finish what it offers: every request the operator may raise on the demo inventory under the default
/// policy can gather its quorum from the demo accounts (infra/demo/users.tsv), the requester never counting. A request
/// the demo cannot complete (e.g. a cross-domain Critical migration needing more distinct people than the accounts
/// hold) fails here with what is missing.
/// </summary>
public sealed class DemoQuorumTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);

    private static readonly RequestKind[] OnTheVnf =
        [RequestKind.Snapshot, RequestKind.Pause, RequestKind.Resume, RequestKind.Stop, RequestKind.Start, RequestKind.Restart];

    private static readonly RequestKind[] OnASnapshot = [RequestKind.SnapshotDeletion, RequestKind.Restore];

    [Fact]
    public void DemoAccounts_EveryRequestTheOperatorMayRaiseOnTheDemoInventory_CanGatherItsQuorum()
    {
        var people = DemoPeople();
        var requester = people.Single(p => p.UserId == "operator");
        var facts = Facts();
        var checkedRequests = 0;
        var checkedKinds = new HashSet<RequestKind>();
        var unfinishable = new List<string>();

        foreach (var vnf in facts.Vnfs)
        {
            var snapshot = WholeSnapshotOf(vnf);
            var subject = facts.With(vnf, snapshot);
            var requests = OnTheVnf.Select(kind => (Name: $"{kind} of {vnf.Name}", Command: Command(kind, vnf, [], null)))
                .Concat(OnASnapshot.Select(kind => (Name: $"{kind} of a snapshot of {vnf.Name}",
                    Command: Command(kind, vnf, [], null) with { SnapshotId = snapshot.Id })))
                .Concat(facts.Environments.Keys.Where(e => e != vnf.EnvironmentId).SelectMany(target =>
                    new[] { (Name: $"move of {vnf.Name} to {facts.Environments[target].Name}", Command: Command(RequestKind.Migration, vnf, [], target)) }
                        .Concat(vnf.Components.Select(c => (
                            Name: $"move of {vnf.Name}/{c.Name} to {facts.Environments[target].Name}",
                            Command: Command(RequestKind.Migration, vnf, [c.Id], target))))));
            foreach (var (name, command) in requests)
            {
                var decision = SubmitRequestDecider.Decide(command, Guid.NewGuid(), subject, requester, Now);
                if (decision.Refused)
                    continue;   // not offered: the rules refuse it for everyone (e.g. a move into an untrusted cloud)
                checkedRequests++;
                checkedKinds.Add(command.Kind);
                var requirement = decision.Events.OfType<RequestSubmitted>().Single().Requirement;
                var approvals = people.Where(p => p.UserId != requester.UserId)
                    .Select(p => new Approval(p.UserId, p.DisplayName, "", "digest", Now) { EligibleGroups = Quorum.EligibleGroups(requirement, p) })
                    .Where(a => a.EligibleGroups.Count > 0);
                if (!Quorum.IsMet(requirement, approvals))
                    unfinishable.Add($"{name}: needs {requirement.Explanation}");
            }
        }

        checkedRequests.ShouldBeGreaterThan(50, "the demo inventory offers many requests; the walk must have reached them");
        // Every kind an operator raises was offered somewhere (guard changes are administrators', approved by a security officer).
        checkedKinds.Order().ShouldBe(Enum.GetValues<RequestKind>().Where(k => k != RequestKind.GuardChange).Order());
        unfinishable.ShouldBeEmpty();
    }

    [Fact]
    public void DemoAccounts_TheCrossDomainCriticalMoveOfTheUdm_HasFourDistinctPeopleBesidesTheRequester()
    {
        var people = DemoPeople();
        var facts = Facts();
        var udm = facts.Vnfs.Single(v => v.Name == "udm-fra-02");
        var target = InventorySeed.EnvironmentId("Frankfurt Core DC A");

        var decision = SubmitRequestDecider.Decide(Command(RequestKind.Migration, udm, [], target), Guid.NewGuid(), facts.With(udm),
            people.Single(p => p.UserId == "operator"), Now);

        var requirement = decision.Events.OfType<RequestSubmitted>().ShouldHaveSingleItem().Requirement;
        requirement.Groups.Sum(g => g.Required).ShouldBeGreaterThanOrEqualTo(4);
        var approvals = people.Where(p => p.UserId != "operator")
            .Select(p => new Approval(p.UserId, p.DisplayName, "", "digest", Now) { EligibleGroups = Quorum.EligibleGroups(requirement, p) });
        Quorum.IsMet(requirement, approvals).ShouldBeTrue(requirement.Explanation);
    }

    private static SubmitRequest Command(RequestKind kind, Vnf vnf, IReadOnlyList<Guid> components, Guid? target) =>
        new(kind, vnf.Id, components, target, null, $"Demo walk: {kind} of {vnf.Name}.", null);

    /// <summary>A completed snapshot of every component of the VNF, as a snapshot request leaves it (deletable, restorable).</summary>
    private static Snapshot WholeSnapshotOf(Vnf vnf) =>
        new(Guid.NewGuid(), vnf.Id, vnf.Name, [.. vnf.Components.Select(c => new SnapshotComponent(c.Id, c.Name, c.Sensitivity, c.TrustDomainId))],
            Guid.NewGuid(), vnf.EnvironmentId, "sim://demo", "sha256:demo", 1_000_000, "operator", ["approver"], Now.AddDays(-1),
            SnapshotStatus.Available, null) { StateEpoch = 1 };

    /// <summary>The demo accounts as the built-in provider signs them in: role and groups from infra/demo/users.tsv.</summary>
    private static List<Actor> DemoPeople() =>
        [.. File.ReadAllLines(Path.Combine(TestRepository.Root, "infra", "demo", "users.tsv")).Skip(1)
            .Where(line => line.Length > 0)
            .Select(line => line.Split('\t'))
            .Select(f => new Actor(f[0], f[1], new HashSet<string> { f[2] })
            {
                Groups = f[4].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet(StringComparer.Ordinal),
            })];

    private sealed record DemoFacts(
        IReadOnlyList<Vnf> Vnfs, IReadOnlyDictionary<Guid, ExecutionEnvironment> Environments, IReadOnlyDictionary<Guid, TrustDomain> Domains)
    {
        public SubmissionFacts With(Vnf vnf, Snapshot? snapshot = null) => new(vnf, Environments, Domains,
            new ApprovalPolicy(ApprovalPolicy.StreamId, 1, DefaultPolicy.Document, "system:seed", Now), snapshot);
    }

    /// <summary>The demo inventory as the seed registers it.</summary>
    private static DemoFacts Facts()
    {
        var domains = InventorySeed.TrustDomains.ToDictionary(
            t => InventorySeed.TrustDomainId(t.Name), t => new TrustDomain(InventorySeed.TrustDomainId(t.Name), t.Name, t.OwnerGroup, t.Description));
        var environments = InventorySeed.Environments.ToDictionary(
            e => InventorySeed.EnvironmentId(e.Name),
            e => new ExecutionEnvironment(InventorySeed.EnvironmentId(e.Name), e.Name, e.Kind, e.Location, e.Trust, e.Attestation, Now.AddHours(-1))
            {
                OperatorDomainId = InventorySeed.TrustDomainId(InventorySeed.EnvironmentOperators[e.Name]),
            });
        var vnfs = InventorySeed.Vnfs.Select(v => new Vnf(InventorySeed.VnfId(v.Name), v.Name, v.Type, v.Vendor, v.Version,
                InventorySeed.EnvironmentId(v.Environment),
                [.. v.Components.Select(c => new VnfComponent(InventorySeed.ComponentId(v.Name, c.Name), c.Name, c.Sensitivity, InventorySeed.TrustDomainId(c.TrustDomain)))]))
            .ToList();
        return new DemoFacts(vnfs, environments, domains);
    }
}
