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

    public IReadOnlyList<IDocumentCheck> Checks { get; } = checks ?? CoveredDocuments.All;

    /// <summary>The document stage on its own snapshot: the creating events are read with one query.</summary>
    public async Task<DocumentVerification> VerifyAsync(CancellationToken ct = default)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var created = new CreatedStreams(Checks);
        await created.ReadAsync(connection, transaction, database.Events, 0, ct);
        var result = await VerifyAsync(connection, transaction, created, ct);
        await transaction.CommitAsync(ct);
        return result;
    }

    /// <summary>
    /// The document stage on the caller's repeatable-read snapshot, with the streams whose creating events the caller
    /// has seen in that snapshot (verification: while it streamed the events for the chain).
    /// </summary>
    public async Task<DocumentVerification> VerifyAsync(
        Npgsql.NpgsqlConnection connection, Npgsql.NpgsqlTransaction transaction, CreatedStreams created, CancellationToken ct)
    {
        // Every finding is counted, the first ones kept: a wholesale rewrite must not fill memory with findings.
        var findings = new List<DocumentFinding>();
        var found = 0L;
        var checkedCount = 0L;
        void Report(DocumentFinding finding)
        {
            if (++found <= IntegrityVerifier.MaxBreaksListed)
                findings.Add(finding);
        }

        foreach (var check in Checks)
        {
            checkedCount += await check.CheckAsync(database.Store, connection, transaction, BatchSize, created, Report, ct);
        }

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
