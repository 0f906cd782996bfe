using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Notifications;
using Console.Workflows.Accounts;
using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Common;
using Console.Workflows.Notifications;
using Console.Workflows.Notifications.ChoosingChannels;
using Console.Workflows.Notifications.Planning;
using Console.Workflows.Requests;
using Marten;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Notifications;

/// <summary>A workflow host whose notifications go to a real SMTP server and a real HTTP listener in the test process.</summary>
public sealed class NotificationFixture : WorkflowFixture
{
    public const string Secret = "test-webhook-secret-3f9c";

    internal TestMailServer Mail { get; private set; } = null!;

    internal TestWebhookListener Webhook { get; private set; } = null!;

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["Notifications:Smtp:Host"] = "127.0.0.1",
        ["Notifications:Smtp:Port"] = Mail.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Notifications:Smtp:Security"] = "None",
        ["Notifications:Webhook:SigningSecret"] = Secret,
        ["Notifications:WebhookAllowHttp"] = "true",
        ["Notifications:WebhookAllowedHosts:0"] = "127.0.0.1",
        ["Notifications:RetryDelays:0"] = "00:00:01",
        ["Notifications:RetryDelays:1"] = "00:00:01",
        ["Notifications:ConsoleBaseUrl"] = "https://console.test",
    };

    public override async ValueTask InitializeAsync()
    {
        Mail = TestMailServer.Start();
        Webhook = TestWebhookListener.Start();
        await base.InitializeAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await Mail.DisposeAsync();
        await Webhook.DisposeAsync();
    }
}

/// <summary>
/// Notices relayed from committed request events, planned by the same quorum functions the approval decider uses,
/// sent over SMTP and signed webhooks to real servers, with retries from the durable outbox.
/// </summary>
public sealed class NotificationDeliveryTests(NotificationFixture fixture) : IClassFixture<NotificationFixture>
{
    private static readonly DateTimeOffset Long = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => fixture.Host;

    private static Actor Person(string id, string role, params string[] groups) =>
        new(id, $"{role} {id}", new HashSet<string> { role }) { Groups = groups.ToHashSet() };

    /// <summary>Accounts of the built-in provider: the people the console knows and tells.</summary>
    private async Task AccountsAsync(params Actor[] people)
    {
        await using var session = Host.Store.LightweightSession();
        foreach (var p in people)
        {
            var id = UserAccount.IdFor(p.UserId);
            session.Events.StartStream<UserAccount>(id, new AccountCreated(
                id, p.UserId, p.DisplayName, [.. p.Roles], [.. p.Groups], "digest", "test:setup", Long));
        }

        await session.SaveChangesAsync(Ct);
        // Built-in accounts approve Sensitive work with their authenticator's code (step-up).
        foreach (var p in people.Where(p => p.IsInRole(Roles.NocApprover) || p.IsInRole(Roles.SecurityOfficer)))
            _authenticators[p.UserId] = (await TestSecondFactorSecrets.EnrolAsync(Host, p)).Secret;
    }

    private readonly Dictionary<string, byte[]> _authenticators = [];

    private async Task ChooseAsync(Actor person, ChooseNotificationChannels choice)
    {
        var outcome = await Host.With<IConsoleCommandBus, Outcome>(b => b.IssueAsync(choice, person));
        outcome.Succeeded.ShouldBeTrue(outcome.Refusal?.Message);
    }

    private async Task<Guid> SubmitAsync(SubmitRequest request, Actor actor)
    {
        var outcome = await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(request, actor));
        outcome.Succeeded.ShouldBeTrue(outcome.Refusal?.Message);
        return outcome.Id;
    }

    private async Task ApproveAsync(Guid id, Actor approver)
    {
        var details = (await Host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id))).ShouldNotBeNull();
        var outcome = await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(
            new ApproveRequest(id, details.Request.Version, details.Request.ContentDigest, "Looks right.")
            {
                StepUpCode = _authenticators.TryGetValue(approver.UserId, out var secret) ? TotpCodes.CodeAt(secret, DateTimeOffset.UtcNow) : null,
            }, Host.SignedIn(approver)));
        outcome.Succeeded.ShouldBeTrue(outcome.Refusal?.Message);
    }

    private Task<IReadOnlyList<Notice>> NoticesOf(string userId) =>
        Host.With<INotificationReader, IReadOnlyList<Notice>>(r => r.RecentAsync(userId));

    [Fact]
    public async Task Notify_Mail_ApproverOfSubmittedRequest_IsMailedWhyEligible_AndRequesterHearsOfApprovalAndCompletion()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var requester = Person($"op-{s.Suffix}", Roles.NocOperator);
        var approverA = Person($"appa-{s.Suffix}", Roles.NocApprover);
        var approverB = Person($"appb-{s.Suffix}", Roles.NocApprover);
        var manager = Person($"mgr-{s.Suffix}", Roles.Manager);
        await AccountsAsync(requester, approverA, approverB, manager);
        foreach (var p in new[] { requester, approverA, approverB, manager })
            await ChooseAsync(p, new ChooseNotificationChannels(0, true, $"{p.UserId}@noc.example.net", false, null));

        // Sensitive components: two NOC approvers must approve.
        var id = await SubmitAsync(s.Migration(s.DcB, s.ContextStore), requester);

        var mailA = (await Eventually.Until(
            () => Task.FromResult(fixture.Mail.To($"{approverA.UserId}@noc.example.net")), m => m.Count >= 1, "the approver's mail")).Single();
        mailA.Subject.ShouldBe($"Approval needed: Migration of {s.VnfName}");
        mailA.TextBody!.ShouldContain("You can fill a slot of \"NOC approvers\" (2 NOC approvers needed): you hold the role NocApprover.");
        mailA.TextBody!.ShouldContain("Move for the maintenance of DC A's power feed.");
        mailA.TextBody!.ShouldContain($"https://console.test/requests/{id}");
        // Each recipient's mail is a delivery of its own: B's may arrive after A's, but exactly one.
        (await Eventually.Until(
            () => Task.FromResult(fixture.Mail.To($"{approverB.UserId}@noc.example.net")), m => m.Count >= 1, "the second approver's mail"))
            .Count.ShouldBe(1);

        await ApproveAsync(id, approverA);
        await ApproveAsync(id, approverB);

        var requesterMail = await Eventually.Until(
            () => Task.FromResult(fixture.Mail.To($"{requester.UserId}@noc.example.net")),
            m => m.Any(x => x.Subject!.StartsWith("Done:", StringComparison.Ordinal)) && m.Any(x => x.Subject!.StartsWith("Approved:", StringComparison.Ordinal)),
            "the requester's approval and completion mail");
        requesterMail.ShouldContain(m => m.Subject == $"Approved: Migration of {s.VnfName}" && m.TextBody!.Contains("You raised this request.", StringComparison.Ordinal));
        // Neither the requester nor a manager may approve: they are never asked to.
        requesterMail.ShouldNotContain(m => m.Subject!.StartsWith("Approval needed", StringComparison.Ordinal));
        fixture.Mail.To($"{manager.UserId}@noc.example.net").ShouldBeEmpty();

        var recorded = await NoticesOf(approverA.UserId);
        recorded.Single(n => n.Topic == NoticeTopic.ApprovalNeeded).Deliveries.Single().Status.ShouldBe(DeliveryStatus.Sent);
    }

    [Fact]
    public async Task Notify_Mail_PersonWithoutAddress_IsRecordedNotSent_AndTheProfileSaysWhy()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var requester = Person($"op-{s.Suffix}", Roles.NocOperator);
        var approver = Person($"app-{s.Suffix}", Roles.NocApprover);
        await AccountsAsync(requester, approver);

        await SubmitAsync(s.Migration(s.DcB, s.ContextStore), requester);

        var notice = (await Eventually.Until(() => NoticesOf(approver.UserId), n => n.Count == 1, "the approver's notice")).Single();
        notice.Topic.ShouldBe(NoticeTopic.ApprovalNeeded);
        var delivery = notice.Deliveries.Single();
        delivery.Channel.ShouldBe(NoticeChannel.Email);
        delivery.Status.ShouldBe(DeliveryStatus.NotSent);
        delivery.Detail.ShouldBe("No e-mail address: give one on your profile page.");
    }

    [Fact]
    public async Task Notify_Webhook_FailedDeliveryIsRetriedFromTheOutbox_AndTheSignatureVerifies()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var requester = Person($"op-{s.Suffix}", Roles.NocOperator);
        var officer = Person($"sec-{s.Suffix}", Roles.SecurityOfficer);
        await AccountsAsync(requester, officer);
        var hook = $"{fixture.Webhook.BaseUrl}hooks/{s.Suffix}";
        await ChooseAsync(officer, new ChooseNotificationChannels(0, false, null, true, hook));
        fixture.Webhook.FailNext(1);

        // Critical: a security officer must approve.
        var id = await SubmitAsync(s.Migration(s.DcB, s.NasSecurity), requester);

        var calls = await Eventually.Until(
            () => Task.FromResult(fixture.Webhook.Calls.Where(c => c.Path == $"/hooks/{s.Suffix}").ToList()),
            c => c.Any(x => x.AnsweredWith == 200), "a successful webhook call after the failed one");
        calls.Count.ShouldBe(2);
        calls[0].AnsweredWith.ShouldBe(503);
        calls[1].Body.ShouldBe(calls[0].Body);

        var call = calls[1];
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(NotificationFixture.Secret), call.Body));
        call.Signature.ShouldBe(expected);
        SignedWebhookChannel.Sign(NotificationFixture.Secret + "x", call.Body).ShouldNotBe(call.Signature);
        call.ContentType.ShouldBe("application/json; charset=utf-8");

        // Slack reads "text"; Teams reads the MessageCard fields.
        using var json = JsonDocument.Parse(call.Body);
        var root = json.RootElement;
        root.GetProperty("@type").GetString().ShouldBe("MessageCard");
        root.GetProperty("summary").GetString().ShouldBe($"Approval needed: Migration of {s.VnfName}");
        root.GetProperty("text").GetString()!.ShouldStartWith($"Approval needed: Migration of {s.VnfName}");
        root.GetProperty("text").GetString()!.ShouldContain("you hold the role SecurityOfficer");
        root.GetProperty("notice").GetProperty("id").GetGuid().ToString("D").ShouldBe(call.NoticeId);
        root.GetProperty("potentialAction")[0].GetProperty("targets")[0].GetProperty("uri").GetString()
            .ShouldBe($"https://console.test/requests/{id}");

        var delivery = (await Eventually.Until(
            () => NoticesOf(officer.UserId), n => n.Any(x => x.Deliveries.Any(d => d.Status == DeliveryStatus.Sent)), "the delivery recorded"))
            .Single().Deliveries.Single();
        delivery.Channel.ShouldBe(NoticeChannel.Webhook);
        delivery.Attempts.ShouldBe(2);
    }

    [Fact]
    public async Task Notify_RequestEvents_AreToldAPageAtATime_EachPersonOncePerEvent_WithNoMessageStoredPerEvent()
    {
        var scenarios = new List<RuntimeScenario>();
        for (var i = 0; i < 3; i++)
            scenarios.Add(await RuntimeScenario.CreateAsync(Host.Store));
        var suffix = scenarios[0].Suffix;
        var requester = Person($"op-{suffix}", Roles.NocOperator);
        var approver = Person($"app-{suffix}", Roles.NocApprover);
        await AccountsAsync(requester, approver);

        // Submitted back to back: the relay sees them in one page or a few, and tells the approver of each once.
        var ids = new List<Guid>();
        foreach (var s in scenarios)
            ids.Add(await SubmitAsync(s.Migration(s.DcB, s.ContextStore), requester));

        var asked = await Eventually.Until(() => NoticesOf(approver.UserId), n => n.Count >= ids.Count, "the approver's notices");
        asked.ShouldAllBe(n => n.Topic == NoticeTopic.ApprovalNeeded);
        asked.Select(n => n.Link).Order().ShouldBe(ids.Select(id => $"https://console.test/requests/{id}").Order());
        asked.Select(n => n.Cause).Distinct().Count().ShouldBe(ids.Count);
        (await NoticesOf(requester.UserId)).ShouldBeEmpty();

        // Handled messages stay in Wolverine's inbox for a while (its duplicate check): the request events took none.
        await using var session = Host.Store.QuerySession();
        var relayed = await session.QueryAsync<int>(
            "select count(*)::int from wolverine_incoming_envelopes where message_type = ?", typeof(Console.Workflows.Notifications.Relaying.NotifyRequest).FullName!);
        relayed.Single().ShouldBe(0);
    }

    [Fact]
    public async Task Notify_Webhook_ToAPrivateAddress_IsRefusedAndNothingChanges()
    {
        var officer = Person("sec-private", Roles.SecurityOfficer);

        var outcome = await Host.With<IConsoleCommandBus, Outcome>(b => b.IssueAsync(
            new ChooseNotificationChannels(0, false, null, true, "https://169.254.169.254/latest/meta-data"), officer));

        var refusal = outcome.Refusal.ShouldNotBeNull();
        refusal.Kind.ShouldBe(RefusalKind.Invalid);
        refusal.FieldErrors[nameof(ChooseNotificationChannels.WebhookUrl)].ShouldBe(["Webhooks may go only to 127.0.0.1."]);
        var profile = await Host.With<INotificationReader, NotificationProfile>(r => r.ProfileAsync(officer.UserId));
        profile.Version.ShouldBe(0);
        profile.ByWebhook.ShouldBeFalse();
    }
}
