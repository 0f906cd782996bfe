using Bunit;
using Console.UnitTests.Web.Components.Pages.Requests;
using Console.UnitTests.Web.Components.Pages.Snapshots;
using Console.Web.Components.Pages.Requests;
using Console.Web.Components.Pages.Snapshots;
using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Requests;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Viewing;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages;

/// <summary>
/// The page path of the role matrix: the request and snapshot pages offer an action only to a role the table allows,
/// whatever the person's owner groups and even when they raised the request themselves. The other commands' pages and
/// buttons are guarded by policies derived from the table (RoleMatrix_PagePoliciesGrantExactlyTheTableRoles).
/// </summary>
public sealed class RoleMatrixPageTests : RequestPageTest
{
    private const string Someone = "pat.person";
    private const string NoRole = "";

    // The button each command has on its page.
    private static readonly IReadOnlyDictionary<ConsoleCommand, string> Buttons = new Dictionary<ConsoleCommand, string>
    {
        [ConsoleCommand.ApproveRequest] = "approve",
        [ConsoleCommand.RejectRequest] = "reject",
        [ConsoleCommand.CancelRequest] = "cancel",
        [ConsoleCommand.RetryExecution] = "retry",
        [ConsoleCommand.PinSnapshot] = "pin",
        [ConsoleCommand.UnpinSnapshot] = "unpin",
        [ConsoleCommand.PlaceLegalHold] = "place-hold",
        [ConsoleCommand.ReleaseLegalHold] = "release-hold",
        [ConsoleCommand.MarkSnapshotNotNeeded] = "not-needed-action",
    };

    private readonly InMemorySnapshots _snapshots = new(Now);
    private readonly RequestScenarios.World _world;

    public RoleMatrixPageTests()
    {
        _world = RequestScenarios.WithUdmAndPartnerCloud(Inventory);
        Services.AddSingleton<ISnapshotLifecycleReader>(_snapshots);
        CommandBus.SnapshotLifecycle = _snapshots;
    }

    public static TheoryData<ConsoleCommand, string> Forbidden()
    {
        var data = new TheoryData<ConsoleCommand, string>();
        foreach (var command in Buttons.Keys)
            foreach (var role in Roles.All.Where(r => !CommandRoles.For(command).Contains(r)).Append(NoRole))
                data.Add(command, role);
        return data;
    }

    public static TheoryData<ConsoleCommand, string> Allowed()
    {
        var data = new TheoryData<ConsoleCommand, string>();
        foreach (var command in Buttons.Keys)
            foreach (var role in CommandRoles.For(command))
                data.Add(command, role);
        return data;
    }

    [Theory]
    [MemberData(nameof(Forbidden))]
    public void RoleMatrix_PageAction_IsNotOfferedToARoleNotInTheTable(ConsoleCommand command, string role)
    {
        var offered = OfferedActions(command, role.Length == 0 ? [] : [role]);

        offered.ShouldNotContain(Buttons[command], $"{command} offered to {(role.Length == 0 ? "a person with no role" : role)}");
    }

    // The control: the same person in the same situation, with a role the table allows, is offered the action, so the
    // refusals above are the role's doing. Approval also depends on the groups the request still needs.
    [Theory]
    [MemberData(nameof(Allowed))]
    public void RoleMatrix_PageAction_IsOfferedToARoleOfTheTable(ConsoleCommand command, string role)
    {
        var offered = OfferedActions(command, [role]);

        offered.ShouldContain(Buttons[command], $"{command} not offered to {role}");
    }

    [Fact]
    public void RoleMatrix_PageAction_OwnerGroupMembershipAloneOffersNoApproval()
    {
        // A member of the target domain's owner group who holds no approver role: before, the page offered Approve.
        var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1));
        SignInWithGroups(Someone, [Roles.Auditor], _world.Partner.OwnerGroup);

        var cut = Render<RequestDetail>(p => p.Add(x => x.Id, request.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=no-actions]"));
        cut.FindAll("[data-testid=approve]").ShouldBeEmpty();
        cut.FindAll("[data-testid=reject]").ShouldBeEmpty();
    }

    private List<string> OfferedActions(ConsoleCommand command, string[] roles)
    {
        var groups = new[] { _world.SubscriberData.OwnerGroup, _world.Signalling.OwnerGroup, _world.Partner.OwnerGroup };
        // The requester where the command favours them; anyone else (in every owner group) for approval.
        // A retry by an approver role is theirs only if they approved the request: Someone did (see Fail).
        var approverRole = roles.Any(r => r is Roles.NocApprover or Roles.SecurityOfficer);
        var person = command is ConsoleCommand.ApproveRequest or ConsoleCommand.RejectRequest
            || (command == ConsoleCommand.RetryExecution && approverRole) ? Someone : Users.Operator;
        SignInWithGroups(person, roles, groups);

        if (Buttons[command] is "approve" or "reject" or "cancel" or "retry")
        {
            var request = RequestScenarios.WithPendingCriticalMigration(Store, _world, Now.AddHours(-1));
            if (command == ConsoleCommand.RetryExecution)
                Fail(request);
            var page = Render<RequestDetail>(p => p.Add(x => x.Id, request.Id));
            page.WaitForAssertion(() => page.Find("[data-testid=actions]"));
            return [.. page.FindAll("[data-testid=actions] button").Select(b => b.GetAttribute("data-testid") ?? "")];
        }

        var snapshot = InMemorySnapshots.Protected(_world.Udm.Id, "udm-1", Users.Operator, Now.AddDays(-1),
            ("udm-metrics", Sensitivity.Public, _world.Signalling.Id));
        if (command == ConsoleCommand.UnpinSnapshot)
            snapshot = snapshot with { Pin = new RetentionHold("Kept for the audit.", null, Users.Operator, Now) };
        if (command == ConsoleCommand.ReleaseLegalHold)
            snapshot = snapshot with { LegalHold = new RetentionHold("Litigation", null, Users.Security, Now) };
        _snapshots.Add(snapshot);
        var cut = Render<SnapshotDetail>(p => p.Add(x => x.Id, snapshot.Id));
        cut.WaitForAssertion(() => cut.Find("[data-testid=retention-actions]"));
        return [.. cut.FindAll("[data-testid=retention-actions] a, [data-testid=retention-actions] button")
            .Select(b => b.GetAttribute("data-testid") ?? "")];
    }

    private void Fail(ChangeRequest request)
    {
        var id = request.Id;
        Store.Append(id, new ApprovalGranted(id, Someone, "Pat Person", "NOC approvers", request.ContentDigest, null, Now),
            "Pat Person", Now, "Approved for NOC approvers");
        Store.Append(id, new RequestApproved(id, request.ContentDigest, "system:quorum", Now), "system:quorum", Now, "Quorum reached.");
        Store.Append(id, new ExecutionStarted(id, 1, "system:execution", Now), "system:execution", Now, "Attempt 1 started.");
        Store.Append(id, new ExecutionFailed(id, 1, "VIM unreachable", "system:execution", Now), "system:execution", Now, "Failed.");
    }
}
