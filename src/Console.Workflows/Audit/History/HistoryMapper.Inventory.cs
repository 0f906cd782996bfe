using Console.Workflows.Inventory;

namespace Console.Workflows.Audit.History;

public static partial class HistoryMapper
{
    /// <summary>Reads the inventory's events; false when <paramref name="data"/> is none of them.</summary>
    private static bool ReadInventoryEvent(object data, Row row, HistorySubjectBook book)
    {
        switch (data)
        {
            case TrustDomainRegistered e:
                book.Put(new HistorySubject(e.TrustDomainId, HistorySubjectKind.TrustDomain, e.Name));
                row.By(e.By, null, e.At).Domains.Add(e.TrustDomainId);
                row.Summary = $"Trust domain {e.Name} registered, owned by {e.OwnerGroup}.";
                row.Details = e.Description;
                break;

            case TrustDomainChanged e:
                book.Put(new HistorySubject(e.TrustDomainId, HistorySubjectKind.TrustDomain, e.Name));
                row.By(e.By, null, e.At).Domains.Add(e.TrustDomainId);
                row.Summary = $"Trust domain {e.Name} changed, owned by {e.OwnerGroup}.";
                row.Details = e.Description;
                break;

            case EnvironmentRegistered e:
                book.Put(new HistorySubject(e.EnvironmentId, HistorySubjectKind.Environment, e.Name));
                row.By(e.By, null, e.At).Environments.Add(e.EnvironmentId);
                row.Summary = $"Environment {e.Name} registered: {e.Kind} at {e.Location}, trust level {e.TrustLevel}.";
                break;

            case EnvironmentChanged e:
            {
                var environment = (book.Find(e.EnvironmentId, HistorySubjectKind.Environment)
                    ?? new HistorySubject(e.EnvironmentId, HistorySubjectKind.Environment, e.Name)) with { Name = e.Name };
                book.Put(environment);
                row.By(e.By, null, e.At).ConcerningEnvironment(environment);
                row.Summary = $"Environment {e.Name} changed: {e.Kind} at {e.Location}, trust level {e.TrustLevel}.";
                break;
            }

            case EnvironmentAttestationRecorded e:
                row.By(e.By, null, e.At).ConcerningEnvironment(book, e.EnvironmentId);
                row.Summary = $"Attestation of {book.NameOf(e.EnvironmentId) ?? "an environment"} recorded: {e.Status}.";
                break;

            case EnvironmentOperatorDomainAssigned e:
            {
                var environment = (book.Find(e.EnvironmentId, HistorySubjectKind.Environment)
                    ?? new HistorySubject(e.EnvironmentId, HistorySubjectKind.Environment, "an environment")) with { OperatorDomainId = e.TrustDomainId };
                book.Put(environment);
                row.By(e.By, null, e.At).ConcerningEnvironment(environment);
                row.Summary = $"{environment.Name} is now operated by trust domain {book.NameOf(e.TrustDomainId) ?? e.TrustDomainId.ToString()}.";
                break;
            }

            case VnfRegistered e:
            {
                var vnf = new HistorySubject(e.VnfId, HistorySubjectKind.Vnf, e.Name) { EnvironmentId = e.EnvironmentId };
                book.Put(vnf);
                row.By(e.By, null, e.At).ConcerningVnf(vnf);
                row.Summary = $"VNF {e.Name} ({e.Type}, {e.Vendor} {e.SoftwareVersion}) registered in {book.NameOf(e.EnvironmentId) ?? "an environment"}.";
                break;
            }

            case VnfDetailsChanged e:
            {
                var vnf = Vnf(book, e.VnfId, e.Name) with { Name = e.Name };
                book.Put(vnf);
                row.By(e.By, null, e.At).ConcerningVnf(vnf);
                row.Summary = $"VNF {e.Name} changed: {e.Type}, {e.Vendor} {e.SoftwareVersion}.";
                break;
            }

            case VnfComponentAdded e:
            {
                var before = Vnf(book, e.VnfId, null);
                var vnf = before with { Components = [.. before.Components.Where(c => c.Id != e.ComponentId), new(e.ComponentId, e.Name, e.TrustDomainId, null)] };
                book.Put(vnf);
                row.By(e.By, null, e.At).ConcerningVnf(vnf);
                row.Summary = $"Component {e.Name} ({e.Sensitivity}, trust domain {book.NameOf(e.TrustDomainId) ?? e.TrustDomainId.ToString()}) added to {vnf.Name}.";
                break;
            }

            case VnfComponentChanged e:
            {
                var before = Vnf(book, e.VnfId, null);
                var vnf = before with
                {
                    Components = [.. before.Components.Select(c => c.Id == e.ComponentId ? c with { Name = e.Name, TrustDomainId = e.TrustDomainId } : c)],
                };
                book.Put(vnf);
                row.By(e.By, null, e.At).ConcerningVnf(before).ConcerningVnf(vnf);
                row.Summary = $"Component {e.Name} of {vnf.Name} changed: {e.Sensitivity}, trust domain {book.NameOf(e.TrustDomainId) ?? e.TrustDomainId.ToString()}.";
                break;
            }

            case VnfComponentRemoved e:
            {
                var before = Vnf(book, e.VnfId, null);
                var vnf = before with { Components = [.. before.Components.Where(c => c.Id != e.ComponentId)] };
                book.Put(vnf);
                row.By(e.By, null, e.At).ConcerningVnf(before);
                row.Summary = $"Component {e.Name} removed from {vnf.Name}.";
                break;
            }

            case VnfMoved e:
            {
                var before = Vnf(book, e.VnfId, null);
                var vnf = before with
                {
                    EnvironmentId = e.ToEnvironmentId,
                    Components = [.. before.Components.Select(c => c.EnvironmentId == e.ToEnvironmentId ? c with { EnvironmentId = null } : c)],
                };
                book.Put(vnf);
                row.By(e.By, null, e.At).ConcerningVnf(vnf);
                row.Environments.Add(e.FromEnvironmentId);
                row.Environments.Add(e.ToEnvironmentId);
                row.Summary = $"{vnf.Name} moved from {book.NameOf(e.FromEnvironmentId) ?? "its environment"} to {book.NameOf(e.ToEnvironmentId) ?? "another environment"}.";
                row.Details = e.Reason;
                break;
            }

            case ComponentsMoved e:
            {
                var before = Vnf(book, e.VnfId, null);
                var moved = e.ComponentIds.ToHashSet();
                var components = before.Components.Select(c => moved.Contains(c.Id) ? c with { EnvironmentId = e.ToEnvironmentId } : c).ToList();
                var home = before.EnvironmentId;
                var vnf = components.All(c => (c.EnvironmentId ?? home) == e.ToEnvironmentId)
                    ? before with { EnvironmentId = e.ToEnvironmentId, Components = [.. components.Select(c => c with { EnvironmentId = null })] }
                    : before with { Components = components };
                book.Put(vnf);
                row.By(e.By, null, e.At).ConcerningVnf(vnf);
                row.Environments.Add(e.FromEnvironmentId);
                row.Environments.Add(e.ToEnvironmentId);
                row.Summary = $"{Count(e.ComponentIds.Count, "component")} of {vnf.Name} moved from "
                    + $"{book.NameOf(e.FromEnvironmentId) ?? "their environment"} to {book.NameOf(e.ToEnvironmentId) ?? "another environment"}.";
                row.Details = e.Reason;
                break;
            }

            default:
                return false;
        }

        return true;
    }
}
