namespace Console.Workflows.Common;

/// <summary>The signed-in person a command is carried out for. Built by the web layer from the verified principal.</summary>
public sealed record Actor(string UserId, string DisplayName, IReadOnlySet<string> Roles)
{
    /// <summary>
    /// The groups the person belongs to (the local provider's "groups" claim, or Entra group ids). Trust domains name
    /// an owner group; its members approve work that moves components into their domain.
    /// </summary>
    public IReadOnlySet<string> Groups { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>
    /// When the person last signed in at the identity provider (the verified token's auth_time), if the session says:
    /// what a fresh sign-in is judged by for people without a built-in account (Microsoft Entra ID).
    /// </summary>
    public DateTimeOffset? AuthenticatedAt { get; init; }

    public bool IsInRole(string role) => Roles.Contains(role);

    public bool IsInGroup(string group) => Groups.Contains(group);

    /// <summary>The workflow itself, for events no person caused (expiry, execution steps).</summary>
    public static Actor System(string what) => new("system:" + what, "Console workflow", new HashSet<string>());
}

/// <summary>Role names, identical to the Entra app-role values and the local provider's role claims.</summary>
public static class Roles
{
    public const string NocOperator = "NocOperator";
    public const string NocApprover = "NocApprover";
    public const string SecurityOfficer = "SecurityOfficer";
    public const string Auditor = "Auditor";
    public const string Manager = "Manager";
    public const string Administrator = "Administrator";

    public static readonly IReadOnlyList<string> All =
        [NocOperator, NocApprover, SecurityOfficer, Auditor, Manager, Administrator];
}
