using System.Data;
using Marten;

namespace Console.Workflows.Audit.Integrity.Verifying.Documents;

/// <summary>What the document stage found: how many documents were compared and differ, and the first that differ.</summary>
public sealed record DocumentVerification(long DocumentsChecked, long FindingsCount, IReadOnlyList<DocumentFinding> Findings);

/// <summary>
/// The verifier's document stage: every document decisions read (<see cref="CoveredDocuments"/>) is rebuilt from its
/// events and compared with the stored one, in batches, on one repeatable-read snapshot so that a write committing
/// meanwhile cannot make a document and its events disagree.
/// </summary>
public sealed class DocumentVerifier(AuditDatabase database, IReadOnlyList<IDocumentCheck>? checks = null)
{
    public const int BatchSize = 500;

    public async Task<DocumentVerification> VerifyAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        // Every finding is counted, the first ones kept: a wholesale rewrite must not fill memory with findings.
        var findings = new List<DocumentFinding>();
        var found = 0L;
        var checkedCount = 0L;
        void Report(DocumentFinding finding)
        {
            if (++found <= IntegrityVerifier.MaxBreaksListed)
                findings.Add(finding);
        }

        foreach (var check in checks ?? CoveredDocuments.All)
        {
            checkedCount += await check.CheckAsync(database.Store, connection, transaction, BatchSize, Report, ct);
        }

        await transaction.CommitAsync(ct);
        return new DocumentVerification(checkedCount, found, findings);
    }

    /// <summary>The report with the document stage's findings after the log's own breaks (listed up to the same limit).</summary>
    public static VerificationReport AddTo(VerificationReport report, DocumentVerification documents, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(report);
        ArgumentNullException.ThrowIfNull(documents);
        var room = Math.Max(0, IntegrityVerifier.MaxBreaksListed - report.Breaks.Count);
        return report with
        {
            Elapsed = elapsed,
            BreaksFound = report.BreaksFound + (int)Math.Min(documents.FindingsCount, int.MaxValue - report.BreaksFound),
            Breaks = [.. report.Breaks, .. documents.Findings.Take(room).Select(ToBreak)],
            DocumentsChecked = documents.DocumentsChecked,
        };
    }

    /// <summary>A finding as a break of the report: the document's type, id and fields.</summary>
    public static IntegrityBreak ToBreak(DocumentFinding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return new IntegrityBreak(finding.Kind, null, null, null, finding.Id, null, null, null, finding.Detail)
        {
            Document = finding.DocumentType,
            Fields = finding.Fields,
        };
    }
}
