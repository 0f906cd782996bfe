using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace Console.Web.Api;

/// <summary>
/// Reads JSON bodies so that every mistake becomes a 400 problem naming the field and saying what would be accepted
/// (the framework's own binding answers a bare 400 without saying which field was wrong).
/// </summary>
public static class ApiJson
{
    private const string BodyField = "body";

    public static async Task<Body<T>> ReadAsync<T>(HttpRequest request, bool optional = false, CancellationToken ct = default)
        where T : class
    {
        var options = request.HttpContext.RequestServices.GetService<IOptions<JsonOptions>>()?.Value.SerializerOptions
            ?? new JsonSerializerOptions(JsonSerializerDefaults.Web);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length > 0 && !request.HasJsonContentType())
        {
            return Refuse<T>(ApiResults.Problem(
                StatusCodes.Status415UnsupportedMediaType, "Send JSON", "Send the body as application/json."));
        }

        return Parse<T>(buffer.ToArray(), options, optional);
    }

    /// <summary>The pure part: bytes to value or problem.</summary>
    public static Body<T> Parse<T>(ReadOnlySpan<byte> json, JsonSerializerOptions options, bool optional = false)
        where T : class
    {
        if (json.IsEmpty)
        {
            return optional ? new Body<T>(null, null) : Refuse<T>(ApiResults.InvalidField(BodyField, "Send a JSON body."));
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json.ToArray());
        }
        catch (JsonException e)
        {
            return Refuse<T>(ApiResults.InvalidField(BodyField,
                $"The body is not valid JSON (line {e.LineNumber + 1}, position {e.BytePositionInLine + 1})."));
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Refuse<T>(ApiResults.InvalidField(BodyField, "Send a JSON object."));
            }

            try
            {
                var value = document.Deserialize<T>(options);
                return value is null ? Refuse<T>(ApiResults.InvalidField(BodyField, "Send a JSON object.")) : new Body<T>(value, null);
            }
            catch (JsonException e)
            {
                var field = FieldOf(e.Path);
                return Refuse<T>(ApiResults.InvalidField(field, Expectation(typeof(T), e.Path)));
            }
        }
    }

    private static Body<T> Refuse<T>(IResult problem)
        where T : class => new(null, problem);

    /// <summary>"$.window.start" → "window.start"; "$.componentIds[1]" → "componentIds[1]".</summary>
    public static string FieldOf(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return BodyField;
        }

        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Length == 0 ? BodyField : field;
    }

    /// <summary>What the field at <paramref name="path"/> accepts, in words, found by walking the body type.</summary>
    public static string Expectation(Type bodyType, string? path)
    {
        var type = TypeAt(bodyType, FieldOf(path));
        if (type is null)
        {
            return "This value has the wrong type here.";
        }

        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type.IsEnum)
        {
            return $"Use one of: {string.Join(", ", Enum.GetNames(type))}.";
        }

        if (type == typeof(Guid))
        {
            return "Use an id (a GUID such as 0b7f4c1e-5a52-4e0b-9d1c-6a1f00000001).";
        }

        if (type == typeof(DateTimeOffset) || type == typeof(DateTime))
        {
            return "Use an ISO 8601 date and time with offset, e.g. 2026-05-01T22:00:00Z.";
        }

        if (type == typeof(TimeSpan))
        {
            return "Use a duration as [d.]hh:mm:ss, e.g. 1.00:00:00 for one day.";
        }

        if (type == typeof(int) || type == typeof(long))
        {
            return "Use a whole number.";
        }

        if (type == typeof(bool))
        {
            return "Use true or false.";
        }

        if (type == typeof(string))
        {
            return "Use a string.";
        }

        return ElementType(type) is { } element
            ? $"Use a JSON array of {Describe(element)}."
            : "Use a JSON object with the documented fields.";
    }

    private static string Describe(Type type)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        return type == typeof(Guid) ? "ids (GUIDs)" : type.IsEnum ? $"{type.Name} values" : type == typeof(string) ? "strings" : "objects";
    }

    private static Type? TypeAt(Type root, string field)
    {
        if (field == BodyField)
        {
            return root;
        }

        Type? current = root;
        foreach (var raw in field.Split('.'))
        {
            if (current is null)
            {
                return null;
            }

            var bracket = raw.IndexOf('[', StringComparison.Ordinal);
            var name = bracket >= 0 ? raw[..bracket] : raw;
            var property = (Nullable.GetUnderlyingType(current) ?? current)
                .GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            current = property?.PropertyType;
            if (bracket >= 0 && current is not null)
            {
                current = ElementType(current);
            }
        }

        return current;
    }

    private static Type? ElementType(Type type)
    {
        if (type == typeof(string))
        {
            return null;
        }

        if (type.IsArray)
        {
            return type.GetElementType();
        }

        var enumerable = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IEnumerable<>)
            ? type
            : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>));
        return enumerable?.GetGenericArguments()[0];
    }
}

/// <summary>A body as read: the value (null when optional and absent) or the problem to answer with.</summary>
public sealed record Body<T>(T? Value, IResult? Problem)
    where T : class;
