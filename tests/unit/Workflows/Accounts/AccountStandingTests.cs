using Console.Testing.Workflows.Common;
using Console.Workflows.Accounts;
using Console.Workflows.Common;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Accounts;

/// <summary>What the command bus refuses to an old session: the same rule the sign-in session's check applies.</summary>
public sealed class AccountStandingTests
{
    private static readonly Actor OldSession = new("olga", "Olga", new HashSet<string> { Roles.NocApprover }) { Groups = new HashSet<string> { "noc-core" } };

    private static UserAccount Account(bool disabled = false, params string[] roles) =>
        new(UserAccount.IdFor("olga"), "olga", "Olga", roles, ["noc-core"], disabled, "digest", default);

    [Fact]
    public void ForCommand_ClaimsTheAccountStillHolds_Stand() =>
        AccountStanding.ForCommand(OldSession, Account(false, Roles.NocApprover, Roles.Auditor)).ShouldBeNull();

    [Fact]
    public void ForCommand_NoBuiltInAccount_IsJudgedWhereItsTokenWasIssued() =>
        AccountStanding.ForCommand(OldSession, null).ShouldBeNull();

    [Fact]
    public void ForCommand_RoleTakenAway_IsForbidden_NamingTheRole_AndSaysToSignInAgain()
    {
        var refusal = AccountStanding.ForCommand(OldSession, Account(false, Roles.NocOperator));

        refusal.ShouldBeRefusalContaining(RefusalKind.Forbidden, "The account olga no longer holds NocApprover.");
        refusal!.Message.ShouldContain("sign in again");
    }

    [Fact]
    public void ForCommand_DisabledAccount_IsForbidden() =>
        AccountStanding.ForCommand(OldSession, Account(true, Roles.NocApprover))
            .ShouldBeRefusalContaining(RefusalKind.Forbidden, "The account olga is disabled.");
}
