using Console.Workflows.Snapshots;

namespace Console.Workflows.Audit.History;

public static partial class HistoryMapper
{
    /// <summary>Reads snapshots' events; false when <paramref name="data"/> is none of them.</summary>
    private static bool ReadSnapshotEvent(object data, Row row, HistorySubjectBook book)
    {
        switch (data)
        {
            case SnapshotTaken e:
            {
                var snapshot = new HistorySubject(e.SnapshotId, HistorySubjectKind.Snapshot, $"Snapshot of {e.VnfName}")
                {
                    VnfId = e.VnfId,
                    VnfName = e.VnfName,
                    TrustDomainIds = [.. e.Components.Select(c => c.TrustDomainId).Distinct()],
                    EnvironmentIds = [e.EnvironmentId],
                };
                book.Put(snapshot);
                row.By(e.By, null, e.At).Concerning(snapshot);
                row.RequestId = e.RequestId;
                row.Summary = $"Snapshot of {e.VnfName} ({Count(e.Components.Count, "component")}) taken in "
                    + $"{book.NameOf(e.EnvironmentId) ?? "its environment"}: {e.ArtefactLocation}, {Size(e.SizeBytes)}.";
                break;
            }

            case SnapshotDeleted e:
            {
                var snapshot = book.Find(e.SnapshotId, HistorySubjectKind.Snapshot);
                row.By(e.By, null, e.At).Concerning(snapshot ?? book.Find(e.RequestId, HistorySubjectKind.Request));
                row.RequestId = e.RequestId;
                row.Summary = $"Snapshot of {snapshot?.VnfName ?? "a VNF"} deleted: {e.Reason}";
                row.Details = e.Reason;
                break;
            }

            default:
                return false;
        }

        return true;
    }
}
