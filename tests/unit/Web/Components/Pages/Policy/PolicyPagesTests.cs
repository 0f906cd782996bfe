using Bunit;
using Console.Web.Components.Pages.Policy;
using Console.Workflows.Policy;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Policy;

public sealed class PolicyPagesTests : RequestPageTest
{
    [Fact]
    public void PolicyView_ForAuditor_ShowsRulesGroupsAndSettingsButNoEdit()
    {
        SignInAs("alex.auditor", Console.Workflows.Common.Roles.Auditor);

        var cut = Render<PolicyView>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=policy-revision]").TextContent.ShouldContain("Revision 1"));
        Approvals(cut, "Public").ShouldBe("No approval needed");
        Approvals(cut, "Sensitive").ShouldBe("2 × NOC approvers (NOC approver role)");
        Approvals(cut, "Critical").ShouldBe("1 × NOC approvers (NOC approver role) and 1 × Security officers (Security officer role)");
        Row(cut, "Critical").QuerySelector("[data-trust-level]")!.GetAttribute("data-trust-level").ShouldBe("High");
        Row(cut, "Critical").TextContent.ShouldContain("3 days");
        cut.Find("[data-testid=cross-domain]").TextContent.ShouldBe(
            "1 × Target domain owners (owner group of the target environment's operating domain)");
        cut.Find("[data-testid=pending-timeout]").TextContent.ShouldBe("1 day");
        cut.Find("[data-testid=keep-last-good]").TextContent.ShouldStartWith("Yes");
        cut.FindAll("[data-testid=edit-policy]").ShouldBeEmpty();
    }

    [Fact]
    public void PolicyView_History_ListsEveryRevisionNewestFirstWithWhoAndWhy()
    {
        Policy.Revisions.Add(new PolicyRevisionEntry(2, DefaultPolicy.Document with { KeepLastGoodSnapshot = false }, "Storage budget",
            "ada.admin", Now));
        SignInAsAdministrator();

        var cut = Render<PolicyView>();

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=history] [data-revision]").Count.ShouldBe(2));
        cut.FindAll("[data-testid=history] [data-revision]").Select(p => p.GetAttribute("data-revision")).ShouldBe(["2", "1"]);
        cut.Find("[data-revision='2']").TextContent.ShouldContain("Revision 2 · 2025-11-20 10:00 UTC · ada.admin · Storage budget");
        cut.Find("[data-testid=keep-last-good]").TextContent.ShouldBe("No");
        cut.Find("[data-testid=edit-policy]").GetAttribute("href").ShouldBe("/policy/edit");
    }

    [Fact]
    public void PolicyEdit_WithoutReason_SaysWhyNeededAndSavesNothing()
    {
        SignInAsAdministrator();
        var cut = Render<PolicyEdit>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=editing-revision]").TextContent.ShouldContain("revision 1"));

        cut.Find("form").Submit();

        cut.WaitForAssertion(() => cut.Find("[data-testid=reason]").Closest(".mud-input-control")!.TextContent
            .ShouldContain("Say why the policy changes."));
        Policy.Received.ShouldBeEmpty();
        Policy.Revisions.Count.ShouldBe(1);
    }

    [Fact]
    public void PolicyEdit_AddingAGroupWithReason_SavesANewRevisionAndSaysSo()
    {
        SignInAsAdministrator();
        var cut = Render<PolicyEdit>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=reason]"));

        cut.Find("button[data-testid='add-Sensitivities[2].Approvals']").Click();
        cut.Find("input[data-testid='Sensitivities[2].Approvals[1].Name']").Change("Security officers");
        cut.Find("textarea[data-testid=reason]").Input("Sensitive work needs a security officer too.");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => cut.Find("[data-testid=saved]").TextContent.ShouldContain("Revision 2 is now in force"));
        var (command, actor) = Policy.Received.ShouldHaveSingleItem();
        command.ExpectedRevision.ShouldBe(1);
        command.Reason.ShouldBe("Sensitive work needs a security officer too.");
        actor.UserId.ShouldBe("ada.admin");
        Policy.Revisions[^1].Document.RuleFor(Console.Workflows.Inventory.Sensitivity.Sensitive).Approvals.Select(g => g.Name)
            .ShouldBe(["NOC approvers", "Security officers"]);
        cut.Find("[data-testid=editing-revision]").TextContent.ShouldContain("revision 2");
    }

    [Fact]
    public void PolicyEdit_WhenAGroupIsInvalid_ShowsTheMessageUnderItsField()
    {
        SignInAsAdministrator();
        var cut = Render<PolicyEdit>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=reason]"));

        cut.Find("input[data-testid='Sensitivities[1].Approvals[0].Name']").Change(" ");
        cut.Find("textarea[data-testid=reason]").Input("Rename the group.");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => cut.Find("[data-testid='Sensitivities[1].Approvals[0].Name']").Closest(".mud-input-control")!
            .TextContent.ShouldContain("Name the group."));
        cut.Find("[data-testid=refusal]");
        Policy.Revisions.Count.ShouldBe(1);
    }

    [Fact]
    public void PolicyEdit_WhenSomeoneElseRevisedFirst_OffersReload()
    {
        SignInAsAdministrator();
        var cut = Render<PolicyEdit>();
        cut.WaitForAssertion(() => cut.Find("[data-testid=reason]"));
        Policy.Revisions.Add(new PolicyRevisionEntry(2, DefaultPolicy.Document, "Other admin", "bob.admin", Now));

        cut.Find("textarea[data-testid=reason]").Input("My change.");
        cut.Find("form").Submit();

        cut.WaitForAssertion(() => cut.Find("[data-testid=reload]"));
        Policy.Revisions.Count.ShouldBe(2);
        cut.Find("[data-testid=reload]").Click();
        cut.WaitForAssertion(() => cut.Find("[data-testid=editing-revision]").TextContent.ShouldContain("revision 2"));
    }

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<PolicyView> cut, string sensitivity) =>
        cut.Find($"[data-testid=sensitivity-rules] td[data-rule={sensitivity}]").ParentElement!;

    private static string Approvals(IRenderedComponent<PolicyView> cut, string sensitivity) =>
        Row(cut, sensitivity).QuerySelector("[data-testid=rule-approvals]")!.TextContent.Trim();
}
