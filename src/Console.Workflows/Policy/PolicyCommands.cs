using Console.Workflows.Common;
using Console.Workflows.Policy.Revising;

namespace Console.Workflows.Policy;

/// <summary>
/// Administrators revise the policy; the reason is mandatory and recorded with who and when. A revision that weakens
/// protection is submitted for approval instead.
/// </summary>
public sealed record RevisePolicy(int ExpectedRevision, PolicyDocument Document, string Reason) : IConsoleCommand
{
    public ICommandBy By(Actor actor) => new RevisePolicyBy(this, actor);
}
