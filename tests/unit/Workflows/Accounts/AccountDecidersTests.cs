using Console.Testing.Workflows.Common;
using Console.Workflows.Accounts;
using Console.Workflows.Accounts.ChangingRoles;
using Console.Workflows.Accounts.Creating;
using Console.Workflows.Accounts.Disabling;
using Console.Workflows.Common;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Accounts;

public sealed class AccountDecidersTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 18, 0, 0, TimeSpan.Zero);
    private static readonly Actor Admin = new("admin", "Ada Admin", new HashSet<string> { Roles.Administrator });

    private static UserAccount Olga(int version = 1, bool disabled = false) =>
        new(UserAccount.IdFor("olga"), "olga", "Olga", [Roles.NocOperator], ["noc-core"], disabled, "digest", Now.AddDays(-1)) { Version = version };

    [Fact]
    public void ChangeRoles_ByAnAdministrator_RecordsNewAndPreviousRolesWithWhoAndWhen()
    {
        var decision = ChangeAccountRolesDecider.Decide(
            new ChangeAccountRoles("olga", 1, [Roles.NocApprover, Roles.NocOperator], " Covers the rota "), Olga(), Admin, Now);

        decision.Refusal.ShouldBeNull();
        var changed = (AccountRolesChanged)decision.Events.ShouldHaveSingleItem();
        changed.AccountId.ShouldBe(Olga().Id);
        changed.Roles.ShouldBe([Roles.NocOperator, Roles.NocApprover]);
        changed.PreviousRoles.ShouldBe([Roles.NocOperator]);
        (changed.Reason, changed.By, changed.At).ShouldBe(("Covers the rota", "admin", Now));
    }

    [Fact]
    public void ChangeRoles_ByAnApprover_IsForbiddenWithTheTablesMessage()
    {
        var approver = new Actor("anna", "Anna", new HashSet<string> { Roles.NocApprover });

        var refusal = ChangeAccountRolesDecider.Decide(new ChangeAccountRoles("olga", 1, [Roles.Administrator], "why"), Olga(), approver, Now).Refusal;

        refusal.ShouldNotBeNull().Kind.ShouldBe(RefusalKind.Forbidden);
        refusal.Message.ShouldBe("Only administrators may change the roles of accounts.");
    }

    [Fact]
    public void ChangeRoles_OnAStaleVersion_IsAConflict() =>
        ChangeAccountRolesDecider.Decide(new ChangeAccountRoles("olga", 1, [Roles.Auditor], "why"), Olga(version: 2), Admin, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.Conflict,
                "Someone else changed the account olga first (now version 2, you saw 1). Reload it and apply your change again.");

    [Fact]
    public void ChangeRoles_UnknownRole_IsAFieldError() =>
        ChangeAccountRolesDecider.Decide(new ChangeAccountRoles("olga", 1, ["Root"], "why"), Olga(), Admin, Now)
            .Refusal.ShouldNotBeNull().FieldErrors["Roles"].ShouldBe(["Unknown role 'Root'; use NocOperator, NocApprover, SecurityOfficer, Auditor, Manager, Administrator."]);

    [Fact]
    public void ChangeRoles_RemovingOnesOwnAdministratorRole_IsRefused()
    {
        var self = new UserAccount(UserAccount.IdFor("admin"), "admin", "Ada", [Roles.Administrator], [], false, "d", Now) { Version = 1 };

        ChangeAccountRolesDecider.Decide(new ChangeAccountRoles("admin", 1, [Roles.Auditor], "why"), self, Admin, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.Invalid, "You cannot remove your own Administrator role; ask another administrator.");
    }

    [Fact]
    public void ChangeRoles_GivingOneselfARole_IsRefused_WhateverTheRole()
    {
        var self = new UserAccount(UserAccount.IdFor("admin"), "admin", "Ada", [Roles.Administrator], [], false, "d", Now) { Version = 1 };

        foreach (var role in new[] { Roles.NocApprover, Roles.Manager })
        {
            ChangeAccountRolesDecider.Decide(new ChangeAccountRoles("admin", 1, [Roles.Administrator, role], "why"), self, Admin, Now)
                .Refusal.ShouldBeRefusal(RefusalKind.Forbidden, $"You cannot give yourself a role ({role}); ask another administrator.");
        }
    }

    [Fact]
    public void ChangeRoles_UnknownAccount_IsNotFound() =>
        ChangeAccountRolesDecider.Decide(new ChangeAccountRoles("nobody", 0, [Roles.Auditor], "why"), null, Admin, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.NotFound, "There is no account nobody.");

    [Fact]
    public void SetDisabled_ByAnAdministrator_RecordsWhoAndWhen_AndEnablingRecordsItsOwnEvent()
    {
        SetAccountDisabledDecider.Decide(new SetAccountDisabled("olga", 1, true, "Left"), Olga(), Admin, Now)
            .Events.ShouldBe([new AccountDisabled(Olga().Id, "olga", "Left", "admin", Now)]);
        SetAccountDisabledDecider.Decide(new SetAccountDisabled("olga", 1, false, "Back"), Olga(disabled: true), Admin, Now)
            .Events.ShouldBe([new AccountEnabled(Olga().Id, "olga", "Back", "admin", Now)]);
    }

    [Fact]
    public void SetDisabled_WithoutAReason_IsAFieldError() =>
        SetAccountDisabledDecider.Decide(new SetAccountDisabled("olga", 1, true, " "), Olga(), Admin, Now)
            .Refusal.ShouldNotBeNull().FieldErrors["Reason"].ShouldBe(["Say why the account changes."]);

    [Fact]
    public void Create_CarriesTheHashsDigestNeverTheHash()
    {
        var created = (AccountCreated)CreateAccountDecider.Decide(
            new NewAccount(" Olga ", "Olga", [Roles.NocOperator], ["noc-core"], "AQAAAAIAAYagAAAAE-secret-hash"), null, "system:seed", Now).Events.Single();

        created.UserName.ShouldBe("olga");
        created.AccountId.ShouldBe(UserAccount.IdFor("olga"));
        created.PasswordDigest.ShouldBe(UserAccount.DigestOf("AQAAAAIAAYagAAAAE-secret-hash"));
        created.PasswordDigest.ShouldNotContain("secret");
    }

    [Fact]
    public void Projection_AppliesTheEventsInOrder()
    {
        var account = UserAccount.Create(new AccountCreated(Olga().Id, "olga", "Olga", [Roles.NocOperator], [], "d1", "system:seed", Now))
            .Apply(new AccountRolesChanged(Olga().Id, "olga", [Roles.Auditor], [Roles.NocOperator], "why", "admin", Now))
            .Apply(new AccountDisabled(Olga().Id, "olga", "why", "admin", Now))
            .Apply(new AccountPasswordRehashed(Olga().Id, "olga", "d2", "system:sign-in", Now));

        account.Roles.ShouldBe([Roles.Auditor]);
        account.Disabled.ShouldBeTrue();
        account.PasswordDigest.ShouldBe("d2");
    }
}
