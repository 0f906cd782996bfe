using System.Text;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;

namespace Console.Workflows.Dashboards.Reading;

/// <summary>The policy in force, environments and trust domains as their documents are now.</summary>
internal sealed record ReferenceData(
    PolicyDocument? Policy, int PolicyRevision, IReadOnlyList<TrustDomainRef> TrustDomains, IReadOnlyList<EnvironmentRef> Environments)
{
    /// <summary>Adds the reads of the reference data to <paramref name="batch"/>; the trust domains only, when that is all a figure needs.</summary>
    public static Func<ReferenceData> Add(DashboardDatabase db, DashboardBatch batch, bool policyAndEnvironments = true)
    {
        PolicyDocument? policy = null;
        var revision = 0;
        var environments = new List<EnvironmentRef>();
        var domains = new List<TrustDomainRef>();
        if (policyAndEnvironments)
        {
            batch.Add(
                $"select (data ->> 'Revision')::int, (data -> 'Document')::text from {db.Policies} where id = $1",
                [DashboardBatch.Uuid(ApprovalPolicy.StreamId)],
                reader =>
                {
                    revision = reader.GetInt32(0);
                    using var json = new MemoryStream(Encoding.UTF8.GetBytes(reader.GetString(1)));
                    policy = db.Serializer.FromJson<PolicyDocument>(json);
                });
            batch.Add(
                $"select id, data ->> 'Name', data ->> 'TrustLevel' from {db.Environments} order by data ->> 'Name', id",
                [],
                reader => environments.Add(new EnvironmentRef(reader.GetGuid(0), reader.GetString(1),
                    Enum.TryParse<TrustLevel>(reader.GetString(2), out var level) ? level : TrustLevel.Untrusted)));
        }

        batch.Add(
            $"select id, data ->> 'Name' from {db.TrustDomains} order by data ->> 'Name', id",
            [],
            reader => domains.Add(new TrustDomainRef(reader.GetGuid(0), reader.GetString(1))));
        return () => new ReferenceData(policy, revision, domains, environments);
    }
}
