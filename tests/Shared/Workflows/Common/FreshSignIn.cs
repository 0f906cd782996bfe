using Console.Workflows.Common;

namespace Console.Testing.Workflows.Common;

/// <summary>
/// The tests' people have no built-in account, so step-up judges them as Microsoft Entra ID people are judged: by when
/// their session signed in. A person who approves in a test signed in just before (at the host's clock); the rule still
/// runs, and StepUp_ tests show it refusing a sign-in that is too old or missing.
/// </summary>
public static class FreshSignIn
{
    public static Actor SignedInAt(this Actor actor, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return actor with { AuthenticatedAt = at };
    }

    /// <summary>Signed in now, by the wall clock (hosts that run on the real clock).</summary>
    public static Actor SignedInNow(this Actor actor) => actor.SignedInAt(DateTimeOffset.UtcNow);
}
