using System.Globalization;
using Console.Workflows.Common;

namespace Console.Workflows.Requests;

public enum WindowPosition
{
    /// <summary>No window, or now is inside it: the operation may start.</summary>
    Open = 0,

    /// <summary>The window opens later: the operation waits for it.</summary>
    Ahead = 1,

    /// <summary>The window has closed: the operation may no longer start.</summary>
    Closed = 2,
}

/// <summary>
/// The change window as the workflow enforces it: an approved request starts no earlier than the window opens and
/// never after it closes (the end is exclusive), whether it is the first attempt or a retry.
/// </summary>
public static class ChangeWindows
{
    public static WindowPosition PositionOf(ChangeWindow? window, DateTimeOffset now) =>
        window is null ? WindowPosition.Open
        : now < window.Start ? WindowPosition.Ahead
        : now >= window.End ? WindowPosition.Closed
        : WindowPosition.Open;

    /// <summary>How long an execution handed over now must wait for the window to open (zero when it may start now).</summary>
    public static TimeSpan WaitBeforeStart(ChangeWindow? window, DateTimeOffset now) =>
        PositionOf(window, now) == WindowPosition.Ahead ? window!.Start - now : TimeSpan.Zero;

    public static string Describe(ChangeWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        return $"{At(window.Start)} to {At(window.End)}";
    }

    /// <summary>The request's outcome (and journal line) when its window closed before it could run.</summary>
    public static string MissedOutcome(ExecutionWindowMissed missed)
    {
        ArgumentNullException.ThrowIfNull(missed);
        return $"The change window {Describe(missed.Window)} closed before attempt {missed.Attempt} could start "
            + $"(checked {At(missed.At)}); nothing was carried out. Raise the request again with a new change window.";
    }

    /// <summary>A retry runs inside the window too: once the window has closed, it is refused.</summary>
    public static Refusal? RefuseRetryOutside(ChangeRequest state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(state);
        return PositionOf(state.Window, now) == WindowPosition.Closed
            ? Refusal.Because(
                $"The change window {Describe(state.Window!)} has closed, so the execution may not run again. "
                + "Raise the request again with a new change window.",
                RefusalKind.Conflict)
            : null;
    }

    private static string At(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
}
