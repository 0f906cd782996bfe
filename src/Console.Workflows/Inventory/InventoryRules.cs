using Console.Workflows.Common;

namespace Console.Workflows.Inventory;

/// <summary>Field limits of the inventory, for forms to show as maximum lengths.</summary>
public static class InventoryLimits
{
    public const int NameMaxLength = 80;
    public const int OwnerGroupMaxLength = 120;
    public const int DescriptionMaxLength = 500;
    public const int LocationMaxLength = 120;
    public const int VendorMaxLength = 80;
    public const int SoftwareVersionMaxLength = 40;
    public const int ComponentsMax = 50;
}

/// <summary>Guards every inventory decision shares (who may change it: <see cref="CommandRoles"/>).</summary>
internal static class InventoryGuards
{
    public static Refusal? IsCurrent(int expectedVersion, int actualVersion, string what) =>
        expectedVersion == actualVersion
            ? null
            : Refusal.Because(
                $"Someone else changed this {what} since you opened it. Reload it and apply your change again.",
                RefusalKind.Conflict);

    public static Refusal NotFound(string what) => Refusal.Because($"This {what} does not exist (any more).", RefusalKind.NotFound);

    /// <summary>What losing a race on an inventory item means to the person.</summary>
    public static string Conflict(string what) =>
        $"Someone else changed this {what} at the same moment. Reload it and apply your change again.";

    public static Refusal NameInUse(string field, string what) =>
        Refusal.ForFields(new Dictionary<string, string[]> { [field] = [$"Another {what} already has this name."] });
}

/// <summary>Collects per-field messages, keyed by the command's property names.</summary>
internal sealed class FieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public FieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            messages = [];
            _errors[field] = messages;
        }

        messages.Add(message);
        return this;
    }

    /// <summary>Required text no longer than <paramref name="max"/>; <paramref name="value"/> is already trimmed.</summary>
    public FieldErrors Text(string field, string value, string label, int max, bool required = true)
    {
        if (required && value.Length == 0)
            Add(field, $"{label} is required.");
        else if (value.Length > max)
            Add(field, $"{label} must be at most {max} characters.");
        return this;
    }

    public FieldErrors Defined<TEnum>(string field, TEnum value, string label)
        where TEnum : struct, Enum
    {
        if (!Enum.IsDefined(value))
            Add(field, $"Choose a valid {label}.");
        return this;
    }

    public Refusal ToRefusal() =>
        Refusal.ForFields(_errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal));
}

internal static class Text
{
    /// <summary>Form input arrives untrimmed and, from a fresh form, possibly null despite the annotations.</summary>
    public static string Clean(string? value) => value?.Trim() ?? string.Empty;
}
