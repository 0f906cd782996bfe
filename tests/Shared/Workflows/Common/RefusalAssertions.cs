using Console.Workflows.Common;
using Shouldly;

namespace Console.Testing.Workflows.Common;

/// <summary>
/// A refusal is asserted by what the person is told (its kind and message, or each field's message), never only by
/// "something was refused": a refusal for the wrong reason must fail the test.
/// </summary>
internal static class RefusalAssertions
{
    public static Refusal ShouldBeRefusal(this Refusal? refusal, RefusalKind kind, string message)
    {
        var actual = refusal.ShouldNotBeNull("the command went through; a refusal was expected");
        (actual.Kind, actual.Message).ShouldBe((kind, message));
        return actual;
    }

    /// <summary>For a message that names ids, times or counts: the kind, and a stable part of what the person is told.</summary>
    public static Refusal ShouldBeRefusalContaining(this Refusal? refusal, RefusalKind kind, string messagePart)
    {
        var actual = refusal.ShouldNotBeNull("the command went through; a refusal was expected");
        actual.Kind.ShouldBe(kind, actual.Message);
        actual.Message.ShouldContain(messagePart);
        return actual;
    }

    /// <summary>Refused as invalid input on exactly these fields, each with this message among its own.</summary>
    public static Refusal ShouldBeFieldRefusal(this Refusal? refusal, params (string Field, string Message)[] fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        var actual = refusal.ShouldNotBeNull("the command went through; a refusal was expected");
        actual.Kind.ShouldBe(RefusalKind.Invalid);
        actual.FieldErrors.Keys.Order(StringComparer.Ordinal).ShouldBe(fields.Select(f => f.Field).Order(StringComparer.Ordinal));
        foreach (var (field, message) in fields)
            actual.FieldErrors[field].ShouldContain(message);
        return actual;
    }
}
