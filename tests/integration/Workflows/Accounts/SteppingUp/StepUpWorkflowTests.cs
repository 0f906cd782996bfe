using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Workflows.Accounts;
using Console.Workflows.Accounts.EnrollingSecondFactor;
using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Audit.Access;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Console.Workflows.Requests;
using Marten;
using Npgsql;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Accounts.SteppingUp;

/// <summary>
/// Step-up at approval through the command bus on real PostgreSQL: a built-in account with an enrolled authenticator
/// (codes computed from the secret the test chose, as the person's app would), and people without an account judged by
/// the age of their sign-in (the Microsoft Entra ID path). The request is a migration of a Sensitive component.
/// </summary>
public sealed class StepUpWorkflowTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => fixture.Host;

    private Task<Outcome> Issue(IConsoleCommand command, Actor actor) => Host.With<IConsoleCommandBus, Outcome>(b => b.IssueAsync(command, actor));

    private async Task<ChangeRequest> Request(Guid id)
    {
        await using var session = Host.Store.QuerySession();
        return (await session.LoadAsync<ChangeRequest>(id, Ct)).ShouldNotBeNull();
    }

    /// <summary>A pending migration of the Sensitive context store (two NOC approvers), raised by the scenario's operator.</summary>
    private async Task<(RuntimeScenario Scenario, Guid Id)> PendingSensitiveMigration()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var submitted = await Issue(s.Migration(s.DcB, s.ContextStore), s.Operator);
        submitted.Succeeded.ShouldBeTrue(submitted.Refusal?.Message);
        StepUpRules.Why(await Request(submitted.Id)).ShouldBe("it touches Sensitive components");
        return (s, submitted.Id);
    }

    private async Task<Outcome> Approve(Guid id, Actor approver, string? code)
    {
        var request = await Request(id);
        return await Issue(new ApproveRequest(id, request.Version, request.ContentDigest, null) { StepUpCode = code }, approver);
    }

    /// <summary>A built-in account holding the approver role; enrolled (through the bus) when a secret is given.</summary>
    private async Task<(Actor Person, byte[]? Secret, IReadOnlyList<string> RecoveryCodes)> BuiltInApprover(bool enrolled = true)
    {
        var person = await TestAccounts.CreateAsync(Host.Store, "approver-" + Guid.NewGuid().ToString("N")[..8], "Arjun Approver", Roles.NocApprover);

        if (!enrolled)
            return (person, null, []);
        var (secret, codes) = await TestSecondFactorSecrets.EnrolAsync(Host, person);
        return (person, secret, codes);
    }

    [Fact]
    public async Task StepUp_BuiltInApproverWithoutACode_IsRefused_NothingChanges_AndTheRefusalIsRecorded()
    {
        var (_, id) = await PendingSensitiveMigration();
        var (person, _, _) = await BuiltInApprover();
        var before = await Request(id);

        var outcome = await Approve(id, person, null);

        outcome.Refusal.ShouldBeRefusal(RefusalKind.Forbidden,
            "This needs a fresh authentication: enter the current code of your authenticator app (or an unused recovery code). Nothing was changed.");
        (await Request(id)).Version.ShouldBe(before.Version);
        await using var session = Host.Store.QuerySession();
        var refused = await Eventually.Until(
            async () => (await session.Events.QueryRawEventDataOnly<AccessRefused>().ToListAsync(Ct)).Where(r => r.UserId == person.UserId).ToList(),
            r => r.Count > 0, "the refused approval in the security history");
        refused.ShouldHaveSingleItem().Resource.ShouldBe($"request/{id}");
    }

    [Fact]
    public async Task StepUp_BuiltInApproverWithTheCurrentCode_IsAcceptedAndRecordsTotp_TheSameCodeAgainIsAReplay()
    {
        var (s, id) = await PendingSensitiveMigration();
        var other = (await Issue(s.Migration(s.DcB, s.ContextStore), s.Operator)).Id;
        var (person, secret, _) = await BuiltInApprover();
        var code = TotpCodes.CodeAt(secret!, DateTimeOffset.UtcNow);

        var approved = await Approve(id, person, code);

        approved.Succeeded.ShouldBeTrue(approved.Refusal?.Message);
        var approval = (await Request(id)).Approvals.ShouldHaveSingleItem();
        approval.AuthenticationMethod.ShouldBe(StepUpMethods.Totp);
        approval.AuthenticatedAt.ShouldNotBeNull().ShouldBeInRange(DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);

        var replay = await Approve(other, person, code);
        replay.Refusal.ShouldBeRefusal(RefusalKind.Forbidden,
            "That code was already used: each code works once. Wait for the next code of your authenticator app (at most 30 seconds) and enter it. Nothing was changed.");
        (await Request(other)).Approvals.ShouldBeEmpty();
    }

    [Fact]
    public async Task StepUp_RecoveryCode_WorksOnce()
    {
        var (s, id) = await PendingSensitiveMigration();
        var other = (await Issue(s.Migration(s.DcB, s.ContextStore), s.Operator)).Id;
        var (person, _, codes) = await BuiltInApprover();

        (await Approve(id, person, codes[0])).Succeeded.ShouldBeTrue();
        (await Request(id)).Approvals.Single().AuthenticationMethod.ShouldBe(StepUpMethods.RecoveryCode);

        (await Approve(other, person, codes[0])).Refusal.ShouldBeRefusal(RefusalKind.Forbidden,
            "That is neither a code of your authenticator app (6 digits) nor one of your unused recovery codes. "
            + "Nothing was changed; wrong codes are counted (4 more within 15 minutes and authenticator codes are refused for a while).");
        await using var session = Host.Store.QuerySession();
        (await session.LoadAsync<SecondFactor>(SecondFactor.IdFor(person.UserId), Ct))!.RecoveryCodeHashes.Count.ShouldBe(RecoveryCodes.Count - 1);
    }

    [Fact]
    public async Task StepUp_FiveWrongCodes_AreCountedAcrossCommands_ThenEvenTheRightCodeIsRefused_ARecoveryCodeStillWorks()
    {
        var (s, id) = await PendingSensitiveMigration();
        var (person, secret, recovery) = await BuiltInApprover();
        var wrong = TotpCodes.CodeAt(secret!, DateTimeOffset.UtcNow.AddHours(-1));

        // Four wrong codes at approval and one at removing the factor: one count, whatever the command.
        for (var i = 0; i < StepUpRules.MaxWrongCodes - 1; i++)
            (await Approve(id, person, wrong)).Refusal.ShouldNotBeNull().Message.ShouldStartWith("That code is not the current one");
        (await Issue(new RemoveSecondFactor(wrong, "Guessing."), person)).Refusal.ShouldNotBeNull()
            .Message.ShouldContain("that was the 5th wrong code within 15 minutes, so authenticator codes are now refused");

        var right = await Approve(id, person, TotpCodes.CodeAt(secret!, DateTimeOffset.UtcNow));
        right.Refusal.ShouldNotBeNull().Message.ShouldStartWith("Too many wrong codes were given for your account (5 within 15 minutes)");
        (await Request(id)).Approvals.ShouldBeEmpty("no wrong or locked code approved anything");

        await using (var session = Host.Store.QuerySession())
        {
            var factor = (await session.LoadAsync<SecondFactor>(SecondFactor.IdFor(person.UserId), Ct)).ShouldNotBeNull();
            factor.IsEnrolled.ShouldBeTrue("the removal was refused");
            factor.RecentRefusals.Count.ShouldBe(StepUpRules.MaxWrongCodes);
            var counted = await session.Events.QueryRawEventDataOnly<SecondFactorCodeRefused>().Where(e => e.UserName == person.UserId).ToListAsync(Ct);
            counted.Select(e => e.UsedFor).ShouldBe([.. Enumerable.Repeat($"request/{id}", 4), "second-factor removal"], ignoreOrder: true);

            // The lock is reported once, with the code that set it, and security officers get an alert naming the account.
            var locked = (await session.Events.QueryRawEventDataOnly<SecondFactorLockedOut>().Where(e => e.UserName == person.UserId).ToListAsync(Ct))
                .ShouldHaveSingleItem();
            locked.UsedFor.ShouldBe("second-factor removal");
            locked.WrongCodes.ShouldBe(StepUpRules.MaxWrongCodes);
            var alert = (await session.Query<SecurityAlert>().Where(a => a.SubjectId == factor.Id).ToListAsync(Ct)).ShouldHaveSingleItem();
            alert.Kind.ShouldBe(SecurityAlertKind.SecondFactorLockedOut);
            alert.VnfId.ShouldBeNull();
            alert.Detail.ShouldStartWith($"5 wrong second-factor codes for {person.UserId} within 15 minutes");
        }

        // A recovery code still proves the person, and a right proof clears the count.
        (await Approve(id, person, recovery[0])).Succeeded.ShouldBeTrue();
        var second = (await Issue(s.Migration(s.DcB, s.ContextStore), s.Operator)).Id;
        var after = await Approve(second, person, TotpCodes.CodeAt(secret!, DateTimeOffset.UtcNow));
        after.Succeeded.ShouldBeTrue(after.Refusal?.Message);
    }

    [Fact]
    public async Task StepUp_BuiltInApproverWithNoFactor_IsToldToEnrolOnTheProfilePage()
    {
        var (_, id) = await PendingSensitiveMigration();
        var (person, _, _) = await BuiltInApprover(enrolled: false);

        (await Approve(id, person, "123456")).Refusal.ShouldBeRefusal(RefusalKind.Forbidden,
            "This needs a code from a second factor, and you have none enrolled. Enrol an authenticator app on your profile page (/profile), then try again. Nothing was changed.");
    }

    [Fact]
    public async Task StepUp_PersonWithoutAccount_StaleSignInIsRefused_FreshSignInIsAcceptedAndRecorded()
    {
        var (_, id) = await PendingSensitiveMigration();
        var entraPerson = RuntimeScenario.Approver(7);

        var stale = await Approve(id, entraPerson.SignedInAt(DateTimeOffset.UtcNow.AddMinutes(-20)), null);
        stale.Refusal.ShouldNotBeNull().Kind.ShouldBe(RefusalKind.Forbidden);
        stale.Refusal.Message.ShouldStartWith("This needs a sign-in at most 5 minutes old");
        (await Approve(id, entraPerson, null)).Refusal.ShouldNotBeNull().Message.ShouldContain("does not say when you signed in");

        var signedIn = DateTimeOffset.UtcNow.AddMinutes(-1);
        (await Approve(id, entraPerson.SignedInAt(signedIn), null)).Succeeded.ShouldBeTrue();
        var approval = (await Request(id)).Approvals.ShouldHaveSingleItem();
        (approval.AuthenticationMethod, approval.AuthenticatedAt).ShouldBe((StepUpMethods.FreshSignIn, signedIn));
    }

    [Fact]
    public async Task StepUp_RejectNeedsItToo()
    {
        var (_, id) = await PendingSensitiveMigration();
        var (person, secret, _) = await BuiltInApprover();
        var request = await Request(id);

        (await Issue(new RejectRequest(id, request.Version, "Not during the freeze."), person)).Refusal.ShouldNotBeNull().Kind.ShouldBe(RefusalKind.Forbidden);
        var rejected = await Issue(new RejectRequest(id, request.Version, "Not during the freeze.")
        {
            StepUpCode = TotpCodes.CodeAt(secret!, DateTimeOffset.UtcNow),
        }, person);

        rejected.Succeeded.ShouldBeTrue(rejected.Refusal?.Message);
        await using var session = Host.Store.QuerySession();
        var events = await session.Events.FetchStreamAsync(id, token: Ct);
        events.Select(e => e.Data).OfType<RequestRejected>().Single().AuthenticationMethod.ShouldBe(StepUpMethods.Totp);
    }

    [Fact]
    public async Task StepUp_TheSecretIsNotReadableFromTheDatabase()
    {
        var (person, secret, _) = await BuiltInApprover();
        var base32 = OtpNet.Base32Encoding.ToString(secret!);

        await using var connection = new NpgsqlConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync(Ct);
        await using var command = new NpgsqlCommand(
            "select data::text from mt_doc_second_factor_secret where id = @id", connection);
        command.Parameters.AddWithValue("id", SecondFactor.IdFor(person.UserId));
        var stored = (string?)await command.ExecuteScalarAsync(Ct);

        stored.ShouldNotBeNull();
        stored.ShouldNotContain(base32);
        stored.ShouldNotContain(Convert.ToBase64String(secret!));
        await using var events = new NpgsqlCommand("select count(*) from mt_events where data::text like @secret", connection);
        events.Parameters.AddWithValue("secret", "%" + base32 + "%");
        ((long)(await events.ExecuteScalarAsync(Ct))!).ShouldBe(0);
    }
}
