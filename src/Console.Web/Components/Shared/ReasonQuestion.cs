using MudBlazor;

namespace Console.Web.Components.Shared;

/// <summary>
/// What a <see cref="ReasonDialog"/> asks: its title and words, the test ids of its parts (<c>{TestId}-dialog</c>,
/// <c>-reason</c>, <c>-confirm</c>, and <see cref="KeepTestId"/> for going back), and the message when no reason is given.
/// </summary>
public sealed record ReasonQuestion(
    string TestId, string Title, string ConfirmText, Color ConfirmColor, string KeepText, string KeepTestId, string Missing, int MaxLength)
{
    /// <summary>A second sentence under the subject: what the command means for others.</summary>
    public string? Note { get; init; }

    public string Label { get; init; } = "Reason";

    public int Lines { get; init; } = 2;

    /// <summary>Whether to show a character counter.</summary>
    public bool Counter { get; init; }

    /// <summary>Whether to offer an end time (pins and holds).</summary>
    public bool AskUntil { get; init; }
}

/// <summary>The reason given, trimmed, and the end time when one was asked for and given.</summary>
public sealed record ReasonAnswer(string Reason, DateTimeOffset? Until);
