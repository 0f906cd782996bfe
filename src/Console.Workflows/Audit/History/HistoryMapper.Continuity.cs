using Console.Workflows.Attestation;
using Console.Workflows.Continuity;
using Console.Workflows.Continuity.Reconciling;

namespace Console.Workflows.Audit.History;

public static partial class HistoryMapper
{
    /// <summary>Reads state continuity's and attestation's events; false when <paramref name="data"/> is none of them.</summary>
    private static bool ReadContinuityEvent(object data, Row row, HistorySubjectBook book)
    {
        switch (data)
        {
            case ContinuityEstablished e:
                row.By(e.By, null, e.At).ConcerningVnf(book, e.VnfId).ConcerningEnvironment(book, e.EnvironmentId);
                row.Summary = $"State continuity of {VnfName(book, e.VnfId)} established: instance {Short(e.InstanceId)} in {book.NameOf(e.EnvironmentId) ?? "its environment"} holds the lease of epoch {e.Epoch}.";
                break;

            case StateSealed e:
                row.By(e.By, null, e.At).ConcerningVnf(book, e.VnfId).ConcerningEnvironment(book, e.TargetEnvironmentId);
                row.Summary = $"State of {Moved(book, e.VnfId, e.ComponentIds)} sealed under epoch {e.Epoch} for migration to {book.NameOf(e.TargetEnvironmentId) ?? "another environment"}, encrypted to key {e.SealedToKeyId}.";
                row.Details = $"Sealed state digest {e.SealedDigest}; source instance {e.SourceInstanceId:D}; migration {e.OperationId:D}.";
                break;

            case MigrationCommitted e:
                row.By(e.By, null, e.At).ConcerningVnf(book, e.VnfId).ConcerningEnvironment(book, e.TargetEnvironmentId);
                row.Summary = e.ComponentIds is { Count: > 0 }
                    ? $"Migration of {Moved(book, e.VnfId, e.ComponentIds)} to {book.NameOf(e.TargetEnvironmentId) ?? "another environment"} committed: epoch {e.FromEpoch} → {e.NewEpoch}; instance {Short(e.TargetInstanceId)} holds the lease, instance {Short(e.SourceInstanceId)} is fenced with the moved components' old copies."
                    : $"Migration of {VnfName(book, e.VnfId)} committed: epoch {e.FromEpoch} → {e.NewEpoch}; instance {Short(e.TargetInstanceId)} holds the lease, instance {Short(e.SourceInstanceId)} is fenced.";
                break;

            case MigrationAborted e:
                row.By(e.By, null, e.At).ConcerningVnf(book, e.VnfId);
                row.Summary = $"Migration of {VnfName(book, e.VnfId)} abandoned at epoch {e.Epoch}; the source keeps its lease: {e.Reason}";
                row.Details = e.Reason;
                break;

            case StateRestored e:
                row.By(e.By, null, e.At).Concerning(book.Find(e.RequestId, HistorySubjectKind.Request), e.RequestId);
                row.ConcerningVnf(book, e.VnfId).ConcerningEnvironment(book, e.EnvironmentId);
                row.Summary = $"{VnfName(book, e.VnfId)} rolled back to the snapshot of epoch {e.SnapshotEpoch}; it runs as the new epoch {e.NewEpoch} (was {e.FromEpoch}); instance {Short(e.InstanceId)} awaits re-attestation.";
                break;

            case InstanceInterrupted e:
                row.By(e.By, null, e.At).ConcerningVnf(book, e.VnfId);
                row.Summary = $"Instance {Short(e.InstanceId)} of {VnfName(book, e.VnfId)} interrupted ({e.Interruption}); not trusted until re-attested.";
                break;

            case InstanceReattested e:
                row.By(e.By, null, e.At).ConcerningVnf(book, e.VnfId);
                row.Summary = $"Instance {Short(e.InstanceId)} of {VnfName(book, e.VnfId)} re-attested on epoch {e.Epoch}; its trust relationships hold again.";
                row.Details = e.Evidence;
                break;

            case ForkDetected e:
                row.By(e.By, null, e.At).ConcerningVnf(book, e.VnfId).ConcerningEnvironment(book, e.EnvironmentId);
                row.Summary = $"Fork detected on {VnfName(book, e.VnfId)}: instance {Short(e.InstanceId)} in {book.NameOf(e.EnvironmentId) ?? "an environment"} reported epoch {e.ReportedEpoch} (current {e.CurrentEpoch}); it was fenced. {e.Detail}";
                row.Details = e.Detail;
                break;

            case HostDriftDetected e:
                row.By(e.By, null, e.At);
                if (e.EnvironmentId is { } environmentId)
                    row.ConcerningEnvironment(book, environmentId);
                if (e.VnfId is { } vnfId)
                    row.ConcerningVnf(book, vnfId);
                row.Summary = $"Host {e.Host} differs from the inventory ({Words(e.Kind.ToString()).ToLowerInvariant()}): {e.Detail}";
                row.Details = e.Subject;
                break;

            case TrustRelationshipDeclared e:
                row.By(e.By, null, e.At).ConcerningVnf(book, e.VerifierVnfId);
                row.Summary = $"{VnfName(book, e.VerifierVnfId)} verifies {VnfName(book, e.SubjectVnfId)}: {e.Purpose}.";
                break;

            case AttestationKeyRegistered e:
                row.By(e.By, null, e.At).ConcerningAttestedSubject(book, e.SubjectId);
                row.Summary = $"Attestation key {e.KeyId} registered for {Subject(book, e.SubjectId, e.SubjectKind)}.";
                break;

            case ReferenceValuesRegistered e:
                row.By(e.By, null, e.At).ConcerningAttestedSubject(book, e.SubjectId);
                row.Summary = $"{Count(e.Measurements.Count, "reference value")} registered for {book.NameOf(e.SubjectId) ?? $"subject {Short(e.SubjectId)}"}.";
                row.Details = e.Reason;
                break;

            case EvidenceVerified e:
                row.By(e.By, null, e.At).ConcerningAttestedSubject(book, e.SubjectId);
                row.Summary = e.Accepted
                    ? $"Attestation evidence of {book.NameOf(e.SubjectId) ?? $"subject {Short(e.SubjectId)}"} accepted: {e.Detail}"
                    : $"Attestation evidence of {book.NameOf(e.SubjectId) ?? $"subject {Short(e.SubjectId)}"} refused ({e.Refusal}): {e.Detail}";
                row.Details = e.Detail;
                break;

            default:
                return false;
        }

        return true;
    }

    /// <summary>What a migration moved: the VNF, or its components by name ("components n2, nas of amf-1").</summary>
    private static string Moved(HistorySubjectBook book, Guid vnfId, IReadOnlyList<Guid>? componentIds)
    {
        if (componentIds is not { Count: > 0 })
            return VnfName(book, vnfId);
        var known = book.Find(vnfId, HistorySubjectKind.Vnf)?.Components ?? [];
        var names = componentIds.Select(id => known.FirstOrDefault(c => c.Id == id)?.Name ?? Short(id));
        return $"{(componentIds.Count == 1 ? "component" : "components")} {string.Join(", ", names)} of {VnfName(book, vnfId)}";
    }
}
