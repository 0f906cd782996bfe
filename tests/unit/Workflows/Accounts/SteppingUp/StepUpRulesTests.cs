using Console.UnitTests.Workflows.Requests;
using Console.Workflows.Accounts;
using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Approving;
using Console.Workflows.Requests.Rejecting;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Accounts.SteppingUp;

public sealed class StepUpRulesTests
{
    private static readonly byte[] Secret = TotpCodes.Decode("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")!;
    private static readonly IReadOnlyList<string> Codes = RecoveryCodes.New();

    private static SecondFactor Enrolled(long lastStep = 0) =>
        SecondFactor.Create(new SecondFactorEnrolmentStarted(SecondFactor.IdFor("approver"), "approver", TotpCodes.DigestOf(Secret), "approver", Now))
            .Apply(new SecondFactorEnrolled(SecondFactor.IdFor("approver"), "approver", [.. Codes.Select(RecoveryCodes.Hash)], lastStep, "approver", Now));

    private static StepUpVerdict Prove(SecondFactor? factor, string? code, DateTimeOffset at) =>
        StepUpRules.WithSecondFactor(factor, Secret, code, "request/1", Approver, at);

    private static SecondFactor After(SecondFactor factor, StepUpVerdict verdict) =>
        verdict.Events.Aggregate(factor, (f, e) => e switch
        {
            SecondFactorCodeUsed used => f.Apply(used),
            RecoveryCodeUsed used => f.Apply(used),
            _ => throw new InvalidOperationException(e.GetType().Name),
        });

    [Fact]
    public void StepUp_Why_CriticalCrossDomainMigrationNeedsIt_PublicSnapshotDoesNot()
    {
        StepUpRules.Why(WithPendingCriticalMigration()).ShouldBe("it touches Critical components and it crosses trust domains");
        StepUpRules.Why(Submitted(SnapshotNef)).ShouldBeNull();
    }

    [Fact]
    public void StepUp_Why_RequirementRecordedBeforeSensitivityWasKept_AssumesItIsNeeded()
    {
        var old = Submitted(SnapshotNef);
        old = old with { Requirement = old.Requirement with { HighestSensitivity = null } };

        StepUpRules.Why(old).ShouldBe("the sensitivity of its components was not recorded");
    }

    [Fact]
    public void StepUp_CurrentCode_IsAcceptedOnce_TheSameStepAgainIsAReplay()
    {
        var factor = Enrolled();
        var code = TotpCodes.CodeAt(Secret, Now);

        var first = Prove(factor, code, Now);
        first.Refusal.ShouldBeNull();
        first.Authentication.ShouldBe(new ApproverAuthentication(StepUpMethods.Totp, Now));
        first.Events.ShouldHaveSingleItem().ShouldBeOfType<SecondFactorCodeUsed>().TimeStep.ShouldBe(TotpCodes.StepOf(Now));

        var replay = Prove(After(factor, first), code, Now.AddSeconds(10));
        replay.Refusal.ShouldBeRefusal(RefusalKind.Forbidden,
            "That code was already used: each code works once. Wait for the next code of your authenticator app (at most 30 seconds) and enter it. Nothing was changed.");
        replay.Events.ShouldBeEmpty();

        Prove(After(factor, first), TotpCodes.CodeAt(Secret, Now.AddSeconds(30)), Now.AddSeconds(30)).Refusal.ShouldBeNull("the next step's code");
    }

    [Fact]
    public void StepUp_WrongOrOldCode_IsRefused()
    {
        Prove(Enrolled(), TotpCodes.CodeAt(Secret, Now.AddMinutes(-5)), Now).Refusal.ShouldBeRefusal(RefusalKind.Forbidden,
            "That code is not the current one of your authenticator app. Check the app's clock and enter the code it shows now. "
            + "Nothing was changed; wrong codes are counted (4 more within 15 minutes and authenticator codes are refused for a while).");
    }

    private static SecondFactor Counted(SecondFactor factor, StepUpVerdict verdict) =>
        factor.Apply(verdict.Counted.ShouldNotBeNull("a wrong code is counted"));

    [Fact]
    public void StepUp_WrongCodes_AreCounted_TheFifthWithinFifteenMinutesLocksCodes_UntilTheFirstOfThemIsFifteenMinutesOld()
    {
        var factor = Enrolled();
        var wrong = TotpCodes.CodeAt(Secret, Now.AddMinutes(-5));
        for (var i = 0; i < StepUpRules.MaxWrongCodes; i++)
        {
            var at = Now.AddMinutes(2 * i);
            var refused = Prove(factor, wrong, at);
            refused.Refusal.ShouldNotBeNull().Message.ShouldStartWith("That code is not the current one of your authenticator app.");
            refused.Events.ShouldBeEmpty();
            refused.Counted.ShouldBe(new SecondFactorCodeRefused(factor.Id, "approver", "request/1", Approver.UserId, at));
            if (i < StepUpRules.MaxWrongCodes - 1)
                refused.LockedOut.ShouldBeNull($"wrong code {i + 1} sets no lock");
            else
                refused.LockedOut.ShouldBe(new SecondFactorLockedOut(
                    factor.Id, "approver", StepUpRules.MaxWrongCodes, Now.AddMinutes(15), "request/1", Approver.UserId, at), "the fifth reports the lock it sets");
            refused.RefusalEvents.Count.ShouldBe(i < StepUpRules.MaxWrongCodes - 1 ? 1 : 2);
            factor = Counted(factor, refused);
        }

        factor.RecentRefusals.Count.ShouldBe(StepUpRules.MaxWrongCodes);
        // The first wrong code was at Now: codes are refused, unchecked and uncounted, until Now + 15 minutes.
        StepUpRules.LockedUntil(factor, Now.AddMinutes(9)).ShouldBe(Now.AddMinutes(15));
        var locked = Prove(factor, TotpCodes.CodeAt(Secret, Now.AddMinutes(9)), Now.AddMinutes(9));
        locked.Refusal.ShouldBeRefusal(RefusalKind.Forbidden,
            "Too many wrong codes were given for your account (5 within 15 minutes): authenticator codes are refused until 10:15:00 UTC. "
            + "Use one of your recovery codes, or wait. If the wrong codes were not yours, tell your security team. Nothing was changed.");
        locked.Counted.ShouldBeNull("a refusal while locked does not prolong the lock");
        locked.Events.ShouldBeEmpty();

        // A wrong recovery code while locked is counted (it is checked), but the lock is reported once.
        var wrongRecovery = Prove(factor, "AAAA-BBBB-CCCC-DDDD", Now.AddMinutes(9));
        wrongRecovery.Counted.ShouldNotBeNull();
        wrongRecovery.LockedOut.ShouldBeNull("the lock was already reported");

        // The profile and the users page show the lock while it lasts.
        SecondFactorView.Of(factor, Now.AddMinutes(9)).CodesLockedUntil.ShouldBe(Now.AddMinutes(15));
        SecondFactorView.Of(factor, Now.AddMinutes(15)).CodesLockedUntil.ShouldBeNull();

        // A recovery code still proves the person; the right code works again once the window has passed.
        Prove(factor, Codes[0], Now.AddMinutes(9)).Authentication.ShouldNotBeNull().Method.ShouldBe(StepUpMethods.RecoveryCode);
        StepUpRules.LockedUntil(factor, Now.AddMinutes(15)).ShouldBeNull();
        var after = Prove(factor, TotpCodes.CodeAt(Secret, Now.AddMinutes(15)), Now.AddMinutes(15));
        after.Refusal.ShouldBeNull();
        After(factor, after).RecentRefusals.ShouldBeEmpty("a right code clears the count");
    }

    [Fact]
    public void StepUp_WrongCode_SaysHowManyMoreMayBeWrong_SpreadOutWrongCodesNeverLock()
    {
        var factor = Enrolled();
        var first = Prove(factor, "000000", Now);
        first.Refusal.ShouldNotBeNull().Message.ShouldEndWith(
            "Nothing was changed; wrong codes are counted (4 more within 15 minutes and authenticator codes are refused for a while).");

        // One wrong code every 20 minutes: never five within 15 minutes.
        for (var i = 0; i < 8; i++)
        {
            var at = Now.AddMinutes(20 * i);
            StepUpRules.LockedUntil(factor, at).ShouldBeNull();
            factor = Counted(factor, Prove(factor, "000000", at));
        }

        factor.RecentRefusals.Count.ShouldBe(StepUpRules.MaxWrongCodes, "only the latest are kept");
    }

    [Fact]
    public void StepUp_WrongRecoveryCode_IsCountedToo_ReplayedAndUnreadableAreNot()
    {
        var factor = Enrolled();
        Prove(factor, "AAAA-BBBB-CCCC-DDDD", Now).Counted.ShouldNotBeNull();

        var used = Prove(factor, TotpCodes.CodeAt(Secret, Now), Now);
        Prove(After(factor, used), TotpCodes.CodeAt(Secret, Now), Now.AddSeconds(5)).Counted.ShouldBeNull("a replay of a right code is not a guess");
        StepUpRules.WithSecondFactor(factor, null, "123456", "request/1", Approver, Now).Counted.ShouldBeNull("the console could not check it");
    }

    [Fact]
    public void StepUp_RecoveryCode_WorksOnceWhateverItsCaseAndDashes()
    {
        var factor = Enrolled();
        var typed = Codes[3].ToLowerInvariant().Replace("-", " ", StringComparison.Ordinal);

        var used = Prove(factor, typed, Now);
        used.Authentication!.Method.ShouldBe(StepUpMethods.RecoveryCode);
        used.Events.ShouldHaveSingleItem().ShouldBeOfType<RecoveryCodeUsed>().Remaining.ShouldBe(RecoveryCodes.Count - 1);

        var again = Prove(After(factor, used), Codes[3], Now.AddMinutes(1));
        again.Refusal.ShouldBeRefusal(RefusalKind.Forbidden,
            "That is neither a code of your authenticator app (6 digits) nor one of your unused recovery codes. "
            + "Nothing was changed; wrong codes are counted (4 more within 15 minutes and authenticator codes are refused for a while).");
    }

    [Fact]
    public void StepUp_NoFactorEnrolled_TellsThePersonToEnrolOnTheirProfile()
    {
        Prove(null, "123456", Now).Refusal.ShouldBeRefusal(RefusalKind.Forbidden,
            "This needs a code from a second factor, and you have none enrolled. Enrol an authenticator app on your profile page (/profile), then try again. Nothing was changed.");
    }

    [Fact]
    public void StepUp_SecretThatDoesNotMatchItsDigest_IsNotUsed()
    {
        var other = TotpCodes.Decode(TotpCodes.NewSecret())!;

        StepUpRules.WithSecondFactor(Enrolled(), other, TotpCodes.CodeAt(other, Now), "request/1", Approver, Now)
            .Refusal.ShouldNotBeNull().Message.ShouldStartWith("Your second factor's secret cannot be read on this console");
    }

    [Fact]
    public void StepUp_FreshSignIn_WithinTheMaximumAgeIsAccepted_OlderOrMissingIsRefused()
    {
        var max = TimeSpan.FromMinutes(5);

        StepUpRules.WithFreshSignIn(Approver with { AuthenticatedAt = Now.AddMinutes(-4) }, max, Now).Authentication
            .ShouldBe(new ApproverAuthentication(StepUpMethods.FreshSignIn, Now.AddMinutes(-4)));
        StepUpRules.WithFreshSignIn(Approver with { AuthenticatedAt = Now.AddMinutes(-6) }, max, Now).Refusal.ShouldBeRefusal(RefusalKind.Forbidden,
            "This needs a sign-in at most 5 minutes old; yours was at 09:54:00 UTC. Sign in again, then decide. Nothing was changed.");
        StepUpRules.WithFreshSignIn(Approver, max, Now).Refusal.ShouldNotBeNull().Message.ShouldContain("does not say when you signed in");
        StepUpRules.WithFreshSignIn(Approver with { AuthenticatedAt = Now.AddMinutes(10) }, max, Now).Refusal.ShouldNotBeNull("a sign-in in the future");
    }

    [Fact]
    public void StepUp_ApproveCriticalWork_WithoutAFreshAuthentication_IsRefusedAndChangesNothing()
    {
        var state = WithPendingCriticalMigration();

        var decision = ApproveRequestDecider.Decide(new ApproveRequest(state.Id, state.Version, state.ContentDigest, null), state, Approver, Now.AddMinutes(5));

        decision.Events.ShouldBeEmpty();
        decision.Refusal.ShouldBeRefusal(RefusalKind.Forbidden,
            "Approving this request needs a fresh authentication because it touches Critical components and it crosses trust domains. " +
            "Give the current code of your authenticator app (or an unused recovery code); with Microsoft Entra ID, sign in again. Nothing was changed.");
    }

    [Fact]
    public void StepUp_ApproveCriticalWork_WithAVerifiedCode_RecordsHowAndWhenTheApproverAuthenticated()
    {
        var state = WithPendingCriticalMigration();
        var how = new ApproverAuthentication(StepUpMethods.Totp, Now.AddMinutes(5));

        var granted = ApproveRequestDecider.Decide(new ApproveRequest(state.Id, state.Version, state.ContentDigest, null), state, Approver, Now.AddMinutes(5), StepUpVerdict.Accept(how))
            .Events.OfType<ApprovalGranted>().Single();

        (granted.AuthenticationMethod, granted.AuthenticatedAt).ShouldBe((StepUpMethods.Totp, Now.AddMinutes(5)));
        Fold(state, [granted])!.Approvals.Single().AuthenticationMethod.ShouldBe(StepUpMethods.Totp);
    }

    [Fact]
    public void StepUp_RejectCriticalWork_NeedsItToo_PublicWorkRecordsNone()
    {
        var critical = WithPendingCriticalMigration();
        RejectRequestDecider.Decide(new RejectRequest(critical.Id, critical.Version, "Not now."), critical, Security, Now)
            .Refusal.ShouldNotBeNull().Message.ShouldStartWith("Rejecting this request needs a fresh authentication");

        // The UDM's Internal SBI gateway alone: one NOC approver, no step-up.
        var internalOnly = Submitted(new SubmitRequest(RequestKind.Snapshot, UdmId, [SbiId], null, null, Justification, null));
        StepUpRules.Why(internalOnly).ShouldBeNull();
        var rejected = RejectRequestDecider.Decide(new RejectRequest(internalOnly.Id, internalOnly.Version, "Not now."), internalOnly, Approver, Now)
            .Events.OfType<RequestRejected>().Single();
        rejected.AuthenticationMethod.ShouldBe(StepUpMethods.None);
    }

    [Fact]
    public void StepUp_ApproveWithARefusedProof_GivesTheVerifiersWords_ButARoleRefusalComesFirst()
    {
        var state = WithPendingCriticalMigration();
        var approve = new ApproveRequest(state.Id, state.Version, state.ContentDigest, null);
        var replayed = StepUpVerdict.Refuse("That code was already used.");

        ApproveRequestDecider.Decide(approve, state, Approver, Now.AddMinutes(5), replayed)
            .Refusal.ShouldBeRefusal(RefusalKind.Forbidden, "That code was already used.");
        ApproveRequestDecider.Decide(approve, state, Operator, Now.AddMinutes(5), replayed)
            .Refusal.ShouldBeRefusal(RefusalKind.Forbidden, CommandRoles.RefusalMessage(ConsoleCommand.ApproveRequest));
    }
}
