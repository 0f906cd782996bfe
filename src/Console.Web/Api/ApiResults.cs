using Console.Workflows.Common;

namespace Console.Web.Api;

/// <summary>
/// How the API answers: refusals of the workflow become RFC 9457 problem details that say what to fix, successes the
/// resource or a reference to it. Pure, so every mapping is unit-tested.
/// </summary>
public static class ApiResults
{
    public const string ProblemContentType = "application/problem+json";

    /// <summary>The HTTP answer to a refusal. Conflicts are stale versions, hence 412 with "reload and retry".</summary>
    public static IResult Refused(Refusal refusal) => refusal.Kind switch
    {
        RefusalKind.Invalid => Invalid(CamelCaseKeys(refusal.FieldErrors), refusal.Message),
        RefusalKind.Forbidden => Problem(StatusCodes.Status403Forbidden, "Not allowed", refusal.Message),
        RefusalKind.NotFound => Problem(StatusCodes.Status404NotFound, "Not found", refusal.Message),
        RefusalKind.Conflict => Problem(
            StatusCodes.Status412PreconditionFailed,
            "Someone else acted first",
            $"{refusal.Message} Reload and retry: GET the resource for its current ETag and send it in If-Match."),
        RefusalKind.Unavailable => Problem(StatusCodes.Status503ServiceUnavailable, "The database is unavailable", refusal.Message),
        _ => Problem(StatusCodes.Status400BadRequest, "Refused", refusal.Message),
    };

    /// <summary>The answer to a command: <paramref name="success"/> when it was carried out, else the refusal.</summary>
    public static IResult From(Outcome outcome, Func<Guid, IResult> success) =>
        outcome.Refusal is { } refusal ? Refused(refusal) : success(outcome.Id);

    public static IResult Invalid(IReadOnlyDictionary<string, string[]> errors, string? detail = null) =>
        TypedResults.ValidationProblem(
            errors,
            detail: string.IsNullOrWhiteSpace(detail) ? "Some fields need attention." : detail,
            title: "The request needs changes");

    public static IResult InvalidField(string field, string message) =>
        Invalid(new Dictionary<string, string[]> { [field] = [message] }, message);

    public static IResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);

    public static IResult NotFound(string what) =>
        Problem(StatusCodes.Status404NotFound, "Not found", $"This {what} does not exist (any more).");

    /// <summary>The resource with its version as a strong entity tag, to send back in If-Match.</summary>
    public static IResult WithETag<T>(T value, int version) => new ETagged<T>(value, Preconditions.ETagFor(version));

    /// <summary>Field names in problems match the JSON the client sent (camelCase), whatever the workflow calls them.</summary>
    public static Dictionary<string, string[]> CamelCaseKeys(IReadOnlyDictionary<string, string[]> errors) =>
        errors.GroupBy(e => CamelCase(e.Key), StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.SelectMany(e => e.Value).ToArray(), StringComparer.Ordinal);

    public static string CamelCase(string name) =>
        string.Join('.', name.Split('.').Select(part =>
            part.Length == 0 || char.IsLower(part[0]) ? part : char.ToLowerInvariant(part[0]) + part[1..]));

    /// <summary>200 with a JSON body and an ETag header.</summary>
    public sealed class ETagged<T>(T value, string etag) : IResult, IStatusCodeHttpResult, IValueHttpResult<T>, IValueHttpResult
    {
        public string ETag { get; } = etag;

        public T Value { get; } = value;

        object? IValueHttpResult.Value => Value;

        public int? StatusCode => StatusCodes.Status200OK;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ETag = ETag;
            return TypedResults.Ok(Value).ExecuteAsync(httpContext);
        }
    }
}

/// <summary>Where a request (or other resource) lives; the answer to commands that don't return the resource itself.</summary>
public sealed record ResourceRef(Guid Id, string Location);
