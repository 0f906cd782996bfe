using System.Globalization;
using System.Text;
using System.Text.Json;
using Console.Workflows.Attestation;
using Console.Workflows.Audit.Access;
using Console.Workflows.Continuity;
using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Snapshots;

namespace Console.Workflows.Audit.History;

/// <summary>An event as the event store handed it to the history.</summary>
public sealed record StoredEvent(long Seq, DateTimeOffset StoredAt, Guid StreamId, long Version, object Data);

/// <summary>
/// Reads one stored event into a history row: who, when, what it concerned and a line of words, taking from the
/// <see cref="HistorySubjectBook"/> what the event does not carry itself (an approval names only its request) and
/// keeping the book up to date for the events after it. Every event type of the console has its own reading; a type
/// it does not know (added later, or by another capability) is still read from its payload's conventional names
/// (RequestId, VnfId, By, At, Reason ...), so no event is ever left out of the history.
/// </summary>
public static partial class HistoryMapper
{
    private const int SummaryMaxLength = 400;

    /// <summary>The subjects the book must hold before <see cref="Map"/> reads this event.</summary>
    public static IEnumerable<Guid> SubjectIds(object data) => data switch
    {
        RequestSubmitted e => [e.RequestId, e.Content.VnfId, e.Content.SourceEnvironmentId, .. Ids(e.Content.TargetEnvironmentId, e.Content.SnapshotId)],
        RequestAmended e => [e.RequestId, e.Content.VnfId, e.Content.SourceEnvironmentId, .. Ids(e.Content.TargetEnvironmentId, e.Content.SnapshotId)],
        TargetAttestationChecked e => [e.RequestId, e.EnvironmentId],
        SnapshotTaken e => [e.SnapshotId, e.VnfId, e.EnvironmentId, .. e.Components.Select(c => c.TrustDomainId)],
        SnapshotDeleted e => [e.SnapshotId, e.RequestId],
        EnvironmentRegistered e => [e.EnvironmentId],
        EnvironmentChanged e => [e.EnvironmentId],
        EnvironmentAttestationRecorded e => [e.EnvironmentId],
        EnvironmentOperatorDomainAssigned e => [e.EnvironmentId, e.TrustDomainId],
        TrustDomainRegistered e => [e.TrustDomainId],
        TrustDomainChanged e => [e.TrustDomainId],
        VnfRegistered e => [e.VnfId, e.EnvironmentId],
        VnfComponentAdded e => [e.VnfId, e.TrustDomainId],
        VnfComponentChanged e => [e.VnfId, e.TrustDomainId],
        VnfMoved e => [e.VnfId, e.FromEnvironmentId, e.ToEnvironmentId],
        ComponentsMoved e => [e.VnfId, e.FromEnvironmentId, e.ToEnvironmentId],
        VnfDetailsChanged e => [e.VnfId],
        VnfComponentRemoved e => [e.VnfId],
        ApprovalGranted e => [e.RequestId],
        RequestApproved e => [e.RequestId],
        RequestRejected e => [e.RequestId],
        RequestCancelled e => [e.RequestId],
        RequestExpired e => [e.RequestId],
        ExecutionStarted e => [e.RequestId],
        ExecutionCompleted e => [e.RequestId],
        ExecutionFailed e => [e.RequestId],
        ExecutionRetryRequested e => [e.RequestId],
        ExecutionWindowMissed e => [e.RequestId],
        AccessRefused e => AccessResources.Parse(e.Resource).Select(r => r.Id),
        ContinuityEstablished e => [e.VnfId, e.EnvironmentId],
        StateSealed e => [e.VnfId, e.TargetEnvironmentId],
        MigrationCommitted e => [e.VnfId, e.TargetEnvironmentId],
        StateRestored e => [e.VnfId, e.EnvironmentId, e.RequestId, e.SnapshotId],
        ForkDetected e => [e.VnfId, e.EnvironmentId],
        Continuity.Reconciling.HostDriftDetected e => Ids(e.VnfId, e.EnvironmentId),
        TrustRelationshipDeclared e => [e.VerifierVnfId, e.SubjectVnfId],
        MigrationAborted e => [e.VnfId],
        InstanceInterrupted e => [e.VnfId],
        InstanceReattested e => [e.VnfId],
        AttestationKeyRegistered e => [e.SubjectId],
        ReferenceValuesRegistered e => [e.SubjectId],
        EvidenceVerified e => [e.SubjectId],
        EnrolmentProposed e => [e.SubjectId],
        EnrolmentApproved e => [e.SubjectId],
        EnrolmentRejected e => [e.SubjectId],
        AttestationKeyRevoked e => [e.SubjectId],
        Alerts.SecurityAlertRaised e => [.. Ids(e.VnfId), e.SubjectId],
        SignedIn or PolicyRevised or Alerts.SecurityAlertsRecordedAtUpgrade => [],
        Accounts.SecondFactorEnrolmentStarted or Accounts.SecondFactorEnrolled or Accounts.SecondFactorCodeUsed
            or Accounts.RecoveryCodeUsed or Accounts.SecondFactorRemoved or Accounts.SecondFactorCodeRefused or Accounts.SecondFactorLockedOut
            or Accounts.SecondFactorReset or Accounts.LegacyAccountsMigrated => [],
        _ => GenericIds(Payload(data)),
    };

    public static HistoryEntry Map(StoredEvent stored, HistorySubjectBook book)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(book);
        var row = new Row(stored.StoredAt);
        Read(stored.Data, row, book);
        return new HistoryEntry(
            stored.Seq, row.At, stored.Data.GetType().Name, CategoryOf(stored.Data.GetType()),
            row.ActorId, row.ActorName, row.RequestId, row.VnfId, row.VnfName,
            [.. row.Domains], [.. row.Environments], Clip(row.Summary), Blank(row.Details), stored.StreamId, stored.Version);
    }

    /// <summary>
    /// The row of an event whose reading failed (a payload the reading did not expect): type, stream and time still
    /// enter the history, with the failure in words, so the event is findable and its detail viewable.
    /// </summary>
    public static HistoryEntry Unreadable(StoredEvent stored, Exception failure)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(failure);
        var type = stored.Data.GetType();
        return new HistoryEntry(
            stored.Seq, stored.StoredAt, type.Name, CategoryOf(type), null, null, null, null, null, [], [],
            Clip($"{Words(type.Name)} (the history could not read its details: {failure.Message})"), null, stored.StreamId, stored.Version);
    }

    /// <summary>The category of an event type: by its capability (namespace), requests split into their phases.</summary>
    public static HistoryCategory CategoryOf(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var ns = type.Namespace ?? "";
        var name = type.Name;
        // Security alerts and how they are handled belong with the log's own integrity alerts.
        if (ns.Contains(".Integrity", StringComparison.Ordinal) || ns.EndsWith(".Alerts", StringComparison.Ordinal))
            return HistoryCategory.Integrity;
        // Who may sign in and with which roles is access, as sign-ins and refusals are.
        // Who is told of what, and where, is the person's own access too.
        if (ns.EndsWith(".Access", StringComparison.Ordinal) || ns.EndsWith(".Accounts", StringComparison.Ordinal)
            || ns.EndsWith(".Notifications", StringComparison.Ordinal))
            return HistoryCategory.Access;
        if (ns.Contains(".Requests", StringComparison.Ordinal))
        {
            if (name.StartsWith("Approval", StringComparison.Ordinal) || name is nameof(RequestApproved) or nameof(RequestRejected))
                return HistoryCategory.Approval;
            if (name.StartsWith("Execution", StringComparison.Ordinal) || name.Contains("Attestation", StringComparison.Ordinal))
                return HistoryCategory.Execution;
            return HistoryCategory.Request;
        }

        if (ns.Contains(".Snapshots", StringComparison.Ordinal))
            return HistoryCategory.Snapshot;
        if (ns.Contains(".Inventory", StringComparison.Ordinal))
            return HistoryCategory.Inventory;
        if (ns.Contains(".Policy", StringComparison.Ordinal))
            return HistoryCategory.Policy;
        if (ns.Contains(".Continuity", StringComparison.Ordinal))
            return HistoryCategory.Continuity;
        if (ns.Contains(".Attestation", StringComparison.Ordinal))
            return HistoryCategory.Attestation;
        return HistoryCategory.Other;
    }

    // Each capability's events are read in a file of their own (HistoryMapper.<Capability>.cs).
    private static void Read(object data, Row row, HistorySubjectBook book)
    {
        if (!ReadRequestEvent(data, row, book) && !ReadSnapshotEvent(data, row, book) && !ReadInventoryEvent(data, row, book)
            && !ReadContinuityEvent(data, row, book) && !ReadEnrolmentEvent(data, row, book) && !ReadPolicyOrAccessEvent(data, row, book)
            && !ReadAlertOrNotificationEvent(data, row, book) && !ReadSecondFactorEvent(data, row))
            ReadUnknown(data, row, book);
    }

    /// <summary>An event type without its own reading: conventional property names, and a summary from its type name.</summary>
    private static void ReadUnknown(object data, Row row, HistorySubjectBook book)
    {
        var payload = Payload(data);
        var values = payload.ValueKind == JsonValueKind.Object
            ? payload.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.OrdinalIgnoreCase)
            : new Dictionary<string, JsonElement>(StringComparer.OrdinalIgnoreCase);

        string? Text(params string[] names) => names
            .Select(n => values.TryGetValue(n, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
            .FirstOrDefault(s => !string.IsNullOrWhiteSpace(s));
        Guid? Id(string name) => values.TryGetValue(name, out var v) && v.ValueKind == JsonValueKind.String && v.TryGetGuid(out var g) ? g : null;

        var at = values.TryGetValue("At", out var atValue) && atValue.ValueKind == JsonValueKind.String && atValue.TryGetDateTimeOffset(out var parsed)
            ? parsed
            : row.At;
        row.By(Text("By", "UserId", "ActorId", "ApproverId", "RequesterId"), Text("ByName", "DisplayName", "ApproverName", "RequesterName"), at);

        if (Id("RequestId") is { } requestId)
            row.Concerning(book.Find(requestId, HistorySubjectKind.Request), requestId);
        if (Id("SnapshotId") is { } snapshotId && book.Find(snapshotId, HistorySubjectKind.Snapshot) is { } snapshot)
            row.Concerning(snapshot);
        if (Id("VnfId") is { } vnfId)
            row.ConcerningVnf(book, vnfId);
        row.VnfName ??= Text("VnfName");
        foreach (var (name, value) in values)
        {
            if (value.ValueKind != JsonValueKind.String || !value.TryGetGuid(out var id))
                continue;
            if (name.EndsWith("EnvironmentId", StringComparison.OrdinalIgnoreCase))
                row.ConcerningEnvironment(book, id);
            else if (name.EndsWith("TrustDomainId", StringComparison.OrdinalIgnoreCase))
                row.Domains.Add(id);
        }

        row.Details = Text("Reason", "Justification", "Comment", "Detail", "Details", "Result", "Message", "Description");
        row.Summary = Words(data.GetType().Name) + (row.Details is { } details ? ": " + details : ".");
    }

    private static HistorySubject RequestSubject(Guid requestId, RequestContent content, string vnfName, HistorySubjectBook book)
    {
        var vnf = book.Find(content.VnfId, HistorySubjectKind.Vnf);
        var selected = content.ComponentIds.ToHashSet();
        IEnumerable<Guid> domains = content.Kind == RequestKind.SnapshotDeletion
            ? book.Find(content.SnapshotId, HistorySubjectKind.Snapshot)?.TrustDomainIds ?? []
            : vnf?.Components.Where(c => selected.Contains(c.Id)).Select(c => c.TrustDomainId) ?? [];
        // The environments' operating domains take part too: a move across domains concerns the target's owners.
        var environments = new[] { content.SourceEnvironmentId }.Concat(Ids(content.TargetEnvironmentId)).Distinct().ToList();
        var operators = environments.Select(id => book.Find(id, HistorySubjectKind.Environment)?.OperatorDomainId).OfType<Guid>();
        return new HistorySubject(requestId, HistorySubjectKind.Request, $"{content.Kind} of {vnfName}")
        {
            VnfId = content.VnfId,
            VnfName = vnfName,
            TrustDomainIds = [.. domains.Concat(operators).Distinct()],
            EnvironmentIds = environments,
        };
    }

    private static HistorySubject Vnf(HistorySubjectBook book, Guid vnfId, string? name) =>
        book.Find(vnfId, HistorySubjectKind.Vnf) ?? new HistorySubject(vnfId, HistorySubjectKind.Vnf, name ?? "a VNF");

    private static JsonElement Payload(object data)
    {
        try
        {
            return JsonSerializer.SerializeToElement(data, data.GetType());
        }
        catch (NotSupportedException)
        {
            return default;
        }
    }

    private static IEnumerable<Guid> GenericIds(JsonElement payload) =>
        payload.ValueKind != JsonValueKind.Object
            ? []
            : payload.EnumerateObject()
                .Where(p => p.Name.EndsWith("Id", StringComparison.OrdinalIgnoreCase) && p.Value.ValueKind == JsonValueKind.String)
                .Select(p => p.Value.TryGetGuid(out var id) ? id : Guid.Empty)
                .Where(id => id != Guid.Empty);

    private static IEnumerable<Guid> Ids(params Guid?[] ids) => ids.OfType<Guid>();

    private static string VnfName(HistorySubjectBook book, Guid vnfId) => book.NameOf(vnfId) ?? $"VNF {Short(vnfId)}";

    private static string Subject(HistorySubjectBook book, Guid id, AttestedSubjectKind kind) =>
        book.NameOf(id) ?? (kind == AttestedSubjectKind.Environment ? $"environment {Short(id)}" : $"instance {Short(id)}");

    private static string Short(Guid id) => id.ToString("D")[..8];

    private static string Describe(RequestContent content) => content.Kind switch
    {
        RequestKind.Snapshot => $"a snapshot ({Count(content.ComponentIds.Count, "component")})",
        RequestKind.Migration => $"a migration ({Count(content.ComponentIds.Count, "component")})",
        RequestKind.SnapshotDeletion => "the deletion of a snapshot",
        RequestKind.Restore => "a roll-back to a snapshot",
        RequestKind.Pause => "a pause",
        RequestKind.Resume => "a resume",
        RequestKind.Stop => "a stop",
        RequestKind.Start => "a start",
        RequestKind.Restart => "a restart",
        RequestKind.GuardChange => $"a change that weakens protection ({content.Guard?.Subject})",
        _ => content.Kind.ToString(),
    };

    private static string Target(RequestContent content, HistorySubjectBook book) =>
        content.Kind == RequestKind.Migration && content.TargetEnvironmentId is { } target
            ? $" to {book.NameOf(target) ?? "another environment"}"
            : "";

    private static string Count(int n, string noun) => n == 1 ? $"1 {noun}" : $"{n} {noun}s";

    private static string Size(long bytes) => bytes switch
    {
        >= 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 30):0.#} GiB"),
        >= 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (double)(1L << 20):0.#} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes} bytes"),
    };

    /// <summary>"SnapshotExpired" as "Snapshot expired".</summary>
    internal static string Words(string typeName)
    {
        var words = new StringBuilder();
        for (var i = 0; i < typeName.Length; i++)
        {
            var c = typeName[i];
            if (i > 0 && char.IsUpper(c) && !char.IsUpper(typeName[i - 1]))
                words.Append(' ').Append(char.ToLowerInvariant(c));
            else
                words.Append(c);
        }

        return words.ToString();
    }

    private static string Clip(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= SummaryMaxLength ? line : line[..(SummaryMaxLength - 1)] + "…";
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();

    /// <summary>The row being read: facts accumulate as the event's reading finds them.</summary>
    private sealed class Row(DateTimeOffset storedAt)
    {
        public DateTimeOffset At { get; private set; } = storedAt;

        public string? ActorId { get; private set; }

        public string? ActorName { get; private set; }

        public Guid? RequestId { get; set; }

        public Guid? VnfId { get; private set; }

        public string? VnfName { get; set; }

        public SortedSet<Guid> Domains { get; } = [];

        public SortedSet<Guid> Environments { get; } = [];

        public string Summary { get; set; } = "";

        public string? Details { get; set; }

        public Row By(string? actorId, string? actorName, DateTimeOffset at)
        {
            ActorId = Blank(actorId);
            ActorName = Blank(actorName);
            At = at;
            return this;
        }

        /// <summary>A request or snapshot: its VNF, domains and environments.</summary>
        public Row Concerning(HistorySubject? subject, Guid? requestId = null)
        {
            if (subject?.Kind == HistorySubjectKind.Request)
                RequestId = subject.Id;
            else if (requestId is not null)
                RequestId = requestId;
            if (subject is null)
                return this;
            VnfId ??= subject.VnfId;
            VnfName ??= subject.VnfName;
            Domains.UnionWith(subject.TrustDomainIds);
            Environments.UnionWith(subject.EnvironmentIds);
            return this;
        }

        public Row ConcerningVnf(HistorySubject? vnf, Guid? vnfId = null)
        {
            VnfId ??= vnf?.Id ?? vnfId;
            if (vnf is null)
                return this;
            VnfName = vnf.Name;
            Domains.UnionWith(vnf.ComponentDomains);
            Environments.UnionWith(vnf.Placements);
            return this;
        }

        /// <summary>The VNF as the book knows it (its name, domains, placements), or just its id when the book has forgotten it.</summary>
        public Row ConcerningVnf(HistorySubjectBook book, Guid? vnfId) => ConcerningVnf(book.Find(vnfId, HistorySubjectKind.Vnf), vnfId);

        /// <summary>The environment as the book knows it (its operator's domain), or just its id.</summary>
        public Row ConcerningEnvironment(HistorySubjectBook book, Guid? environmentId) =>
            ConcerningEnvironment(book.Find(environmentId, HistorySubjectKind.Environment), environmentId);

        /// <summary>An attested subject: an environment the book knows counts; a VNF instance's id is not an environment.</summary>
        public Row ConcerningAttestedSubject(HistorySubjectBook book, Guid subjectId) =>
            ConcerningEnvironment(book.Find(subjectId, HistorySubjectKind.Environment));

        public Row ConcerningEnvironment(HistorySubject? environment, Guid? environmentId = null)
        {
            if ((environment?.Id ?? environmentId) is { } id)
                Environments.Add(id);
            if (environment?.OperatorDomainId is { } domain)
                Domains.Add(domain);
            return this;
        }
    }
}
