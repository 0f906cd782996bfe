using Console.Workflows.Common;

namespace Console.Workflows.Audit.Access;

/// <summary>Records sign-ins and refused attempts in the event store, where the security history reads them.</summary>
public interface IAccessJournal
{
    /// <summary>
    /// Records that a session began. Throws when it cannot be recorded: the caller refuses the sign-in then, so no
    /// session exists that the history does not know of.
    /// </summary>
    Task SignedInAsync(Actor actor, string provider, string? remoteAddress, CancellationToken ct = default);

    /// <summary>
    /// Records a refused attempt. Never throws: the person must still be told why they were refused; a failure to
    /// record is logged as an error instead.
    /// </summary>
    Task RefusedAsync(Actor actor, string operation, string resource, string reason, CancellationToken ct = default);
}
