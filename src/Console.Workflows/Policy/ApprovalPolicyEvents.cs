namespace Console.Workflows.Policy;

/// <summary>A new revision of the approval policy came into force. Revision 1 is the initial policy.</summary>
public sealed record PolicyRevised(Guid PolicyId, int Revision, PolicyDocument Document, string Reason, string By, DateTimeOffset At);

/// <summary>The single approval policy of the console (one well-known stream), rebuilt from its revisions.</summary>
public sealed record ApprovalPolicy(Guid Id, int Revision, PolicyDocument Document, string LastChangedBy, DateTimeOffset LastChangedAt)
{
    /// <summary>The id of the one policy stream.</summary>
    public static readonly Guid StreamId = new("0b7f4c1e-5a52-4e0b-9d1c-6a1f00000001");

    public int Version { get; init; }

    public static ApprovalPolicy Create(PolicyRevised e) => new(e.PolicyId, e.Revision, e.Document, e.By, e.At);

    public ApprovalPolicy Apply(PolicyRevised e) =>
        this with { Revision = e.Revision, Document = e.Document, LastChangedBy = e.By, LastChangedAt = e.At };
}
