using Console.Web.Security;
using Console.Workflows.Policy;

namespace Console.Web.Components.Pages.Policy;

/// <summary>How policy groups read: "2 × NOC approvers (NOC approver role)".</summary>
public static class PolicyText
{
    public static string Group(ApproverGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return $"{group.Required} × {group.Name} ({Who(group)})";
    }

    public static string Who(ApproverGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.Source == ApproverSource.TargetDomainOwners
            ? "owner group of the target environment's operating domain"
            : $"{RoleNames.Display(group.Role ?? "")} role";
    }

    public static string Groups(IReadOnlyList<ApproverGroup> groups) =>
        groups.Count == 0 ? "No approval needed" : string.Join(" and ", groups.Select(Group));
}
