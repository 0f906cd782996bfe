namespace Console.Web.Api;

/// <summary>Collects per-field messages for a validation problem, keyed by the names the client used.</summary>
public sealed class ApiFieldErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public ApiFieldErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    /// <summary>The workflow's field messages, keyed by its property names, under the names the client used.</summary>
    public ApiFieldErrors AddAll(IReadOnlyDictionary<string, string[]> errors)
    {
        ArgumentNullException.ThrowIfNull(errors);
        foreach (var (field, messages) in errors)
        {
            foreach (var message in messages)
            {
                Add(ApiResults.CamelCase(field), message);
            }
        }

        return this;
    }

    public ApiFieldErrors Require(bool condition, string field, string message) => condition ? this : Add(field, message);

    public IReadOnlyDictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    public IResult ToProblem() => ApiResults.Invalid(ToDictionary());
}
