namespace Console.Workflows.Common;

/// <summary>What a pure decide function concluded: the events to append, or why nothing may change.</summary>
public sealed record Decision(IReadOnlyList<object> Events, Refusal? Refusal)
{
    public bool Refused => Refusal is not null;

    public static Decision Emit(params IEnumerable<object> events) => new(events.ToList(), null);

    public static Decision Refuse(Refusal refusal) => new([], refusal);

    public static implicit operator Decision(Refusal refusal) => Refuse(refusal);
}
