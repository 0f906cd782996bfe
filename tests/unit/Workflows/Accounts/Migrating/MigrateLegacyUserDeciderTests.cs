using Console.Testing.Workflows.Common;
using Console.Workflows.Accounts;
using Console.Workflows.Accounts.Migrating;
using Console.Workflows.Common;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Accounts.Migrating;

public sealed class MigrateLegacyUserDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 21, 0, 0, TimeSpan.Zero);

    private static LegacyUser Olga(bool disabled = false, params string[] roles) =>
        new("Olga", "Olga Operator", roles.Length == 0 ? [Roles.NocOperator] : roles, ["noc-core"], "AQAAAAIAAYagAAAAE-hash", disabled);

    [Fact]
    public void Decide_LegacyRow_IsAnAccountCreatedByTheSystemAsMigrated_WithTheHashPinnedByItsDigestOnly()
    {
        var decision = MigrateLegacyUserDecider.Decide(Olga(), accountExists: false, Now);

        decision.Refusal.ShouldBeNull();
        var created = decision.Events.ShouldHaveSingleItem().ShouldBeOfType<AccountCreated>();
        (created.AccountId, created.UserName, created.DisplayName).ShouldBe((UserAccount.IdFor("olga"), "olga", "Olga Operator"));
        created.Roles.ShouldBe([Roles.NocOperator]);
        created.Groups.ShouldBe(["noc-core"]);
        (created.By, created.At).ShouldBe((MigrateLegacyUserDecider.By, Now));
        created.By.ShouldContain("migrated");
        created.PasswordDigest.ShouldBe(UserAccount.DigestOf("AQAAAAIAAYagAAAAE-hash"));
    }

    [Fact]
    public void Decide_DisabledRow_IsCreatedThenDisabled_WithTheReasonSayingWhy()
    {
        var decision = MigrateLegacyUserDecider.Decide(Olga(disabled: true), accountExists: false, Now);

        decision.Events.Count.ShouldBe(2);
        var disabled = decision.Events[1].ShouldBeOfType<AccountDisabled>();
        (disabled.AccountId, disabled.By, disabled.At).ShouldBe((UserAccount.IdFor("olga"), MigrateLegacyUserDecider.By, Now));
        disabled.Reason.ShouldBe(MigrateLegacyUserDecider.DisabledReason);
        var account = UserAccount.Create((AccountCreated)decision.Events[0]).Apply(disabled);
        account.Disabled.ShouldBeTrue();
    }

    [Fact]
    public void Decide_AccountStreamExists_EmitsNothing_SoEveryStartCanRunIt()
    {
        var decision = MigrateLegacyUserDecider.Decide(Olga(), accountExists: true, Now);

        decision.Refusal.ShouldBeNull();
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void Decide_RoleThisConsoleNoLongerKnows_IsDropped_AndTheKnownOnesKept()
    {
        var decision = MigrateLegacyUserDecider.Decide(Olga(false, "SnapshotWizard", Roles.NocApprover), accountExists: false, Now);

        decision.Events.ShouldHaveSingleItem().ShouldBeOfType<AccountCreated>().Roles.ShouldBe([Roles.NocApprover]);
    }

    [Fact]
    public void Decide_RowWithoutPasswordHash_IsRefusedNamingTheAccount()
    {
        var refusal = MigrateLegacyUserDecider.Decide(Olga() with { PasswordHash = "" }, accountExists: false, Now).Refusal;

        refusal.ShouldBeRefusal(RefusalKind.Invalid, "The account olga needs a password.");
    }
}
