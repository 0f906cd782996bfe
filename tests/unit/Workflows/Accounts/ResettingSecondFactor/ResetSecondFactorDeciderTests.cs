using Console.Testing.Workflows.Common;
using Console.Workflows.Accounts;
using Console.Workflows.Accounts.ResettingSecondFactor;
using Console.Workflows.Common;
using Console.Workflows.Guards.Classifying;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Accounts.ResettingSecondFactor;

public sealed class ResetSecondFactorDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 9, 0, 0, TimeSpan.Zero);
    private static readonly Actor Admin = new("admin", "Ada Admin", new HashSet<string> { Roles.Administrator });

    private static UserAccount Account(string name) =>
        new(UserAccount.IdFor(name), name, name, [Roles.NocApprover], [], false, "digest", Now.AddDays(-1)) { Version = 1 };

    private static SecondFactor Enrolled(string name) =>
        SecondFactor.Create(new SecondFactorEnrolmentStarted(SecondFactor.IdFor(name), name, "digest", name, Now.AddDays(-1)))
            .Apply(new SecondFactorEnrolled(SecondFactor.IdFor(name), name, ["h1", "h2"], 1, name, Now.AddDays(-1))) with { Version = 2 };

    [Fact]
    public void Reset_ByAnAdministrator_RecordsWhoWhenAndWhy_AndAlwaysWeakens()
    {
        var factor = Enrolled("anna");

        var decision = ResetSecondFactorDecider.Decide(new ResetSecondFactor("anna", 2, " Lost phone "), Account("anna"), factor, Admin, Now);

        decision.Events.ShouldBe([new SecondFactorReset(factor.Id, "anna", "Lost phone", "admin", Now)]);
        var verdict = GuardClassifier.SecondFactor(factor, decision.Events);
        verdict.Weakens.ShouldBeTrue();
        verdict.Differences.ShouldHaveSingleItem().Before.ShouldBe("authenticator app enrolled, 2 recovery codes left");
        factor.Apply((SecondFactorReset)decision.Events[0]).Status.ShouldBe(SecondFactorStatus.Removed);
    }

    [Fact]
    public void Reset_ByANonAdministrator_OfOnesOwn_WithoutAFactor_OrStale_IsRefused()
    {
        var approver = new Actor("anna", "Anna", new HashSet<string> { Roles.NocApprover });
        ResetSecondFactorDecider.Decide(new ResetSecondFactor("bob", 2, "why"), Account("bob"), Enrolled("bob"), approver, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.ResetSecondFactor));
        ResetSecondFactorDecider.Decide(new ResetSecondFactor("admin", 2, "why"), Account("admin"), Enrolled("admin"), Admin, Now)
            .Refusal.ShouldNotBeNull().Message.ShouldStartWith("You cannot reset your own second factor");
        ResetSecondFactorDecider.Decide(new ResetSecondFactor("bob", 0, "why"), Account("bob"), null, Admin, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.Conflict, "bob has no authenticator to reset.");
        ResetSecondFactorDecider.Decide(new ResetSecondFactor("bob", 1, "why"), Account("bob"), Enrolled("bob"), Admin, Now)
            .Refusal.ShouldNotBeNull().Kind.ShouldBe(RefusalKind.Conflict);
        ResetSecondFactorDecider.Decide(new ResetSecondFactor("nobody", 1, "why"), null, null, Admin, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.NotFound, "There is no account nobody.");
        ResetSecondFactorDecider.Decide(new ResetSecondFactor(new string('x', 5000), 1, "why"), null, null, Admin, Now)
            .Refusal.ShouldBeRefusal(RefusalKind.NotFound, "Name the account (1 to 100 characters).");
    }
}
