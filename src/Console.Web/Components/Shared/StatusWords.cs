using System.Text;

namespace Console.Web.Components.Shared;

/// <summary>
/// How a status reads to people: an enum name split into words, the first capitalised ("PendingApproval" reads
/// "Pending approval", "WindowMissed" "Window missed"; acronyms such as "TEE" stay). Every status chip shows this (or
/// a capability's own wording built on it); the API and the pages' data-* attributes keep the enum name.
/// </summary>
public static class StatusWords
{
    public static string Of<TEnum>(TEnum value) where TEnum : struct, Enum => Split(value.ToString());

    internal static string Split(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var words = new List<string>();
        var start = 0;
        for (var i = 1; i <= name.Length; i++)
        {
            var boundary = i == name.Length
                || (char.IsUpper(name[i]) && (char.IsLower(name[i - 1]) || char.IsDigit(name[i - 1])
                    || (i + 1 < name.Length && char.IsUpper(name[i - 1]) && char.IsLower(name[i + 1]))));
            if (!boundary)
                continue;
            words.Add(name[start..i]);
            start = i;
        }

        var text = new StringBuilder();
        foreach (var word in words)
        {
            if (text.Length > 0)
                text.Append(' ');
            var acronym = word.Length > 1 && word.All(char.IsUpper);
            text.Append(text.Length == 0 || acronym ? word : word.ToLowerInvariant());
        }

        return text.ToString();
    }
}
