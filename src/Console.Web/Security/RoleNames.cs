using Console.Workflows.Common;

namespace Console.Web.Security;

public static class RoleNames
{
    public static string Display(string role) => role switch
    {
        Roles.NocOperator => "NOC operator",
        Roles.NocApprover => "NOC approver",
        Roles.SecurityOfficer => "Security officer",
        Roles.Auditor => "Auditor",
        Roles.Manager => "Manager",
        Roles.Administrator => "Administrator",
        _ => role,
    };
}
