using Console.Workflows.Common;
using Console.Workflows.Continuity;

namespace Console.Workflows.Alerts.Handling;

/// <summary>
/// Take note of alert <paramref name="AlertId"/>, its stream seen at <paramref name="ExpectedVersion"/> (1: just raised;
/// 0: an alert without a stream, stored before alerts were events).
/// </summary>
public sealed record AcknowledgeAlert(Guid AlertId, int ExpectedVersion, string? Note) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new AlertCommandBy(this, AlertId, actor);
}

/// <summary>Give the alert to a security officer (their user name) to look into.</summary>
public sealed record AssignAlert(Guid AlertId, int ExpectedVersion, string Assignee) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new AlertCommandBy(this, AlertId, actor);
}

/// <summary>Close the alert, saying why.</summary>
public sealed record CloseAlert(Guid AlertId, int ExpectedVersion, string Reason) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new AlertCommandBy(this, AlertId, actor);
}

/// <summary>Any of the alert commands with the person issuing it: one handler, one decider for every kind of alert.</summary>
public sealed record AlertCommandBy(IConsoleCommand Command, Guid AlertId, Actor Actor) : ICommandBy
{
    public string Resource => $"alert/{AlertId}";

    public const string LostRace = "Someone else acted on this alert first; it has been reloaded. Check it and act again if still needed.";

    public string ConflictMessage => LostRace;
}

/// <summary>What the decider needs to know besides the handling stream: the alert itself and who may be assigned.</summary>
public sealed record AlertFacts(SecurityAlertKind? Kind, IReadOnlySet<string> SecurityOfficers)
{
    /// <summary>What the alert is about (<see cref="SecurityAlert.SubjectId"/>): for a lock-out, the person's factor stream.</summary>
    public Guid? SubjectId { get; init; }
}

/// <summary>
/// The one decider of alert handling: role, the alert exists, the version the person saw, the state, the input.
/// Closed alerts stay closed; an alert can be acknowledged once, assigned (again) while not closed.
/// </summary>
public static class AlertHandlingDecider
{
    public const int TextMaxLength = 500;

    public const string AboutYouMessage =
        "This alert is about your own account's second factor: another security officer must handle it (if someone else holds your session, it must not be able to close it). Nothing was changed.";

    public static ConsoleCommand CommandOf(IConsoleCommand command) => command switch
    {
        AcknowledgeAlert => ConsoleCommand.AcknowledgeAlert,
        AssignAlert => ConsoleCommand.AssignAlert,
        CloseAlert => ConsoleCommand.CloseAlert,
        _ => throw new ArgumentOutOfRangeException(nameof(command), command, "Not an alert command."),
    };

    public static Decision Decide(IConsoleCommand command, AlertHandling? state, AlertFacts facts, Actor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(facts);
        ArgumentNullException.ThrowIfNull(actor);
        if (CommandRoles.Check(CommandOf(command), actor) is { } forbidden)
            return forbidden;
        var (alertId, expected) = command switch
        {
            AcknowledgeAlert a => (a.AlertId, a.ExpectedVersion),
            AssignAlert a => (a.AlertId, a.ExpectedVersion),
            CloseAlert a => (a.AlertId, a.ExpectedVersion),
            _ => (Guid.Empty, -1),
        };
        if (facts.Kind is not { } kind)
            return Refusal.Because("There is no such alert.", RefusalKind.NotFound);
        if ((state?.Version ?? 0) != expected)
            return Refusal.Because(new AlertCommandBy(command, alertId, actor).ConflictMessage, RefusalKind.Conflict);
        if (state?.State == AlertState.Closed)
            return Refusal.Because($"This alert was closed by {state.ClosedBy}: {state.CloseReason}", RefusalKind.Conflict);
        // A lock-out alert may mean someone else holds the person's session: that session must not be able to make it
        // go away, so the person it is about neither handles it nor is given it.
        if (kind == SecurityAlertKind.SecondFactorLockedOut && facts.SubjectId is { } factor)
        {
            if (factor == Accounts.SecondFactor.IdFor(actor.UserId))
                return Refusal.Because(AboutYouMessage, RefusalKind.Forbidden);
            if (command is AssignAlert given && factor == Accounts.SecondFactor.IdFor((given.Assignee ?? "").Trim()))
                return Field(nameof(AssignAlert.Assignee), "This alert is about that person's own account: assign it to another security officer.");
        }

        switch (command)
        {
            case AcknowledgeAlert ack:
                if (state?.State == AlertState.Acknowledged)
                    return Refusal.Because($"{state.AcknowledgedBy} has already acknowledged this alert.", RefusalKind.Conflict);
                if (TooLong(nameof(AcknowledgeAlert.Note), ack.Note) is { } longNote)
                    return longNote;
                return Decision.Emit(new AlertAcknowledged(alertId, kind, (ack.Note ?? "").Trim(), actor.UserId, actor.DisplayName, now));

            case AssignAlert assign:
                var assignee = (assign.Assignee ?? "").Trim().ToLowerInvariant();
                if (!facts.SecurityOfficers.Contains(assignee))
                    return Field(nameof(AssignAlert.Assignee), "Assign the alert to a security officer (their user name).");
                if (state?.AssignedTo == assignee)
                    return Refusal.Because($"The alert is already assigned to {assignee}.");
                return Decision.Emit(new AlertAssigned(alertId, kind, assignee, actor.UserId, actor.DisplayName, now));

            case CloseAlert close:
                var reason = (close.Reason ?? "").Trim();
                if (reason.Length == 0)
                    return Field(nameof(CloseAlert.Reason), "Say why the alert is closed (what was found, what was done).");
                if (TooLong(nameof(CloseAlert.Reason), reason) is { } longReason)
                    return longReason;
                return Decision.Emit(new AlertClosed(alertId, kind, reason, actor.UserId, actor.DisplayName, now));

            default:
                return Refusal.Because("Not an alert command.");
        }
    }

    private static Refusal? TooLong(string field, string? text) =>
        (text ?? "").Trim().Length > TextMaxLength ? Field(field, $"At most {TextMaxLength} characters.") : null;

    private static Refusal Field(string field, string message) =>
        Refusal.ForFields(new Dictionary<string, string[]> { [field] = [message] });
}
