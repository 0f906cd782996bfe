using Console.Workflows.Common;
using Console.Workflows.Notifications;
using Console.Workflows.Notifications.ChoosingChannels;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Notifications;

public sealed class ChooseNotificationChannelsDeciderTests
{
    private static readonly WebhookRules AnyPublicHttps = new([], false);

    private static Decision Choose(ChooseNotificationChannels command, NotificationProfile? current = null, Actor? by = null) =>
        ChooseNotificationChannelsDecider.Decide(command, current, AnyPublicHttps, by ?? Approver, Now);

    [Fact]
    public void Choose_OwnChannels_EmitsTheChoiceWithWhoAndWhen()
    {
        var decision = Choose(new ChooseNotificationChannels(0, true, " arjun@noc.example.net ", true, "https://hooks.slack.com/services/T/B/X"));

        decision.Events.ShouldHaveSingleItem().ShouldBe(new NotificationChannelsChosen(
            "approver", true, "arjun@noc.example.net", true, "https://hooks.slack.com/services/T/B/X", "approver", Now));
    }

    [Theory]
    [InlineData("http://hooks.slack.com/x", "The webhook must use https.")]
    [InlineData("https://127.0.0.1:5080/api/requests", "The console does not post to its own or private network addresses.")]
    [InlineData("https://169.254.169.254/latest/meta-data", "The console does not post to its own or private network addresses.")]
    [InlineData("https://10.1.2.3/hook", "The console does not post to its own or private network addresses.")]
    [InlineData("https://localhost/hook", "The console does not post to its own or private network addresses.")]
    [InlineData("https://user:pw@hooks.slack.com/x", "Leave user names and passwords out of the address; the console signs each call instead.")]
    [InlineData("file:///etc/passwd", "Give an absolute https address (for example https://hooks.slack.com/services/...).")]
    public void Choose_WebhookToAnUnsafeAddress_IsRefusedWithWhy(string url, string message)
    {
        var refusal = Choose(new ChooseNotificationChannels(0, false, null, true, url)).Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Invalid);
        refusal.FieldErrors[nameof(ChooseNotificationChannels.WebhookUrl)].ShouldBe([message]);
    }

    [Fact]
    public void Choose_WebhookOutsideTheAllowedHosts_IsRefused()
    {
        var rules = new WebhookRules(["hooks.slack.com", "*.webhook.office.com"], false);

        ChooseNotificationChannelsDecider.WebhookProblem("https://acme.webhook.office.com/x", rules).ShouldBeNull();
        ChooseNotificationChannelsDecider.WebhookProblem("https://evil.example/x", rules)
            .ShouldBe("Webhooks may go only to hooks.slack.com, *.webhook.office.com.");
    }

    [Fact]
    public void Choose_BadAddressOrWebhookWithoutUrl_IsRefusedPerField()
    {
        var refusal = Choose(new ChooseNotificationChannels(0, true, "not-an-address", true, "")).Refusal.ShouldNotBeNull();

        refusal.FieldErrors[nameof(ChooseNotificationChannels.EmailAddress)].ShouldBe(["Give an e-mail address such as name@example.com."]);
        refusal.FieldErrors[nameof(ChooseNotificationChannels.WebhookUrl)].ShouldBe(["Give the webhook's address, or switch the webhook off."]);
    }

    [Fact]
    public void Choose_FromAStaleProfile_IsAConflict()
    {
        var current = NotificationProfile.Create(new NotificationChannelsChosen("approver", true, null, false, null, "approver", Now)) with { Version = 1 };

        var refusal = Choose(new ChooseNotificationChannels(0, false, null, false, null), current).Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Conflict);
        refusal.Message.ShouldBe("You changed your notification channels in another window first; reload and choose again.");
    }

    [Fact]
    public void Choose_ByAPersonWithoutRole_IsForbidden()
    {
        var nobody = new Actor("nobody", "Nobody", new HashSet<string>());

        var refusal = Choose(new ChooseNotificationChannels(0, true, null, false, null), by: nobody).Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Forbidden);
        refusal.Message.ShouldBe(CommandRoles.RefusalMessage(ConsoleCommand.ChooseNotificationChannels));
    }
}
