using Console.Workflows.Common;
using Console.Workflows.Policy.Revising;

namespace Console.Workflows.Policy;

/// <summary>Administrators revise the policy; the reason is mandatory and recorded with who and when.</summary>
public sealed record RevisePolicy(int ExpectedRevision, PolicyDocument Document, string Reason);

/// <summary>The write side of the policy. A revision that weakens protection is submitted for approval instead.</summary>
public interface IPolicyCommands
{
    Task<Outcome> ReviseAsync(RevisePolicy command, Actor actor, CancellationToken ct = default);
}

/// <summary><see cref="IPolicyCommands"/> on the workflow: each command goes with its person through the <see cref="CommandBus"/>.</summary>
public sealed class WolverinePolicyCommands(CommandBus commands) : IPolicyCommands
{
    public Task<Outcome> ReviseAsync(RevisePolicy command, Actor actor, CancellationToken ct = default) =>
        commands.IssueAsync(new RevisePolicyBy(command, actor), ct);
}
