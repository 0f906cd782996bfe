namespace Console.Workflows.Common;

/// <summary>The signed-in person a command is carried out for. Built by the web layer from the verified principal.</summary>
public sealed record Actor(string UserId, string DisplayName, IReadOnlySet<string> Roles)
{
    public bool IsInRole(string role) => Roles.Contains(role);
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
