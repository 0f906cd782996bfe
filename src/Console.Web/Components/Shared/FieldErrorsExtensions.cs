using Console.Workflows.Common;

namespace Console.Web.Components.Shared;

/// <summary>Reads a refusal's per-field messages, keyed by command property names such as <c>Components[2].Name</c>.</summary>
public static class FieldErrorsExtensions
{
    /// <summary>The messages for one field joined into one line, or null when the field is fine.</summary>
    public static string? ErrorFor(this Refusal? refusal, string field) =>
        refusal?.FieldErrors.TryGetValue(field, out var messages) == true && messages.Length > 0
            ? string.Join(" ", messages)
            : null;

    public static bool HasErrorFor(this Refusal? refusal, string field) => refusal.ErrorFor(field) is not null;
}
