using Console.Workflows.Common;
using MudBlazor;

namespace Console.Web.Components.Shared;

/// <summary>Why the last command a person chose on a page was not done; a conflict reads as a warning.</summary>
public sealed record ActionMessage(string Text, bool Conflict);

/// <summary>
/// How a page runs a command a person chose: one at a time, a note when done, the refusal or a server failure as an
/// <see cref="ActionMessage"/> the page shows with <c>ActionRefusal</c>, and a reload either way so the page shows
/// what is true now. The pages of requests, snapshots and the inbox share it, so each says a refusal the same way.
/// </summary>
public sealed class PageCommand(ISnackbar snackbar, ILogger logger)
{
    public const string ServerProblem =
        "The console could not record this because of a server problem. Reload and try again; if it keeps failing, tell the platform team.";

    public bool Running { get; private set; }

    public ActionMessage? Message { get; set; }

    /// <summary>Runs <paramref name="command"/>; true when it was done.</summary>
    /// <param name="explain">The words for a refusal (a lost race names what was reloaded).</param>
    /// <param name="what">What was acted on, for the log ("request 1f2e...").</param>
    public async Task<bool> RunAsync(
        Func<Task<Outcome>> command, string done, Func<Refusal, string> explain, Func<Task> reload, string what)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(explain);
        ArgumentNullException.ThrowIfNull(reload);
        if (Running)
            return false;
        Running = true;
        Message = null;
        var succeeded = false;
        try
        {
            var outcome = await command();
            if (outcome.Refusal is { } refusal)
            {
                Message = new ActionMessage(explain(refusal), refusal.Kind == RefusalKind.Conflict);
            }
            else
            {
                succeeded = true;
                snackbar.Add(done, Severity.Success);
            }

            await reload();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Acting on {What} failed", what);
            Message = new ActionMessage(ServerProblem, false);
        }
        finally
        {
            Running = false;
        }

        return succeeded;
    }

    /// <summary>A refusal in words: a lost race says what was reloaded; field messages are joined; else the message.</summary>
    /// <param name="isLostRace">Which conflicts are a lost race (default: all; other conflicts keep their own words).</param>
    public static Func<Refusal, string> Explain(string reloaded, Func<Refusal, bool>? isLostRace = null) => refusal =>
        refusal.Kind == RefusalKind.Conflict && (isLostRace?.Invoke(refusal) ?? true)
            ? $"Someone else acted first; {reloaded} has been reloaded. Check it and act again if it is still needed."
            : refusal.FieldErrors.Count > 0 ? string.Join(" ", refusal.FieldErrors.SelectMany(f => f.Value))
            : refusal.Message;
}
