using Console.UnitTests.Infrastructure;
using Console.UnitTests.Workflows.Requests;
using Console.Workflows.Audit.Access;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Console.Workflows.Requests.Submitting;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Audit.Access;

/// <summary>Which refusals reach the history, and what the recording decorators write for them.</summary>
public sealed class AccessRecordingTests
{
    private readonly RecordingAccessJournal _journal = new();

    [Fact]
    public void IsRecorded_PlacementRefusalOfTheRealDecider_IsRecorded()
    {
        // The decider words the placement rule; this pins the history's reading of it to the real refusal.
        var facts = Scenarios.Facts();
        var command = new SubmitRequest(RequestKind.Migration, Scenarios.UdmId, [Scenarios.SidfId], Scenarios.CloudId, null,
            "Move the SIDF to the cloud for the weekend.", null);

        var decision = SubmitRequestDecider.Decide(command, Guid.NewGuid(), facts, Scenarios.Operator, Scenarios.Now);

        decision.Refusal.ShouldNotBeNull().Kind.ShouldBe(RefusalKind.Invalid);
        AccessRefusals.IsRecorded(decision.Refusal).ShouldBeTrue();
    }

    [Fact]
    public void IsRecorded_ForbiddenYesConflictsTyposAndMissingFieldsNo()
    {
        AccessRefusals.IsRecorded(Refusal.Because("You requested this change; someone else must approve it.", RefusalKind.Forbidden)).ShouldBeTrue();
        AccessRefusals.IsRecorded(Refusal.Because("Someone else acted first.", RefusalKind.Conflict)).ShouldBeFalse();
        AccessRefusals.IsRecorded(Refusal.Because("No such request.", RefusalKind.NotFound)).ShouldBeFalse();
        AccessRefusals.IsRecorded(Refusal.ForFields(new Dictionary<string, string[]> { ["Justification"] = ["Explain why."] })).ShouldBeFalse();
        AccessRefusals.IsRecorded(null).ShouldBeFalse();
    }

    [Fact]
    public async Task ApproveAsync_WhenRefusedAsForbidden_RecordsWhoWhatOnWhichRequestAndWhy_AndReturnsTheRefusal()
    {
        var refusal = Refusal.Because("You requested this change; someone else must approve it.", RefusalKind.Forbidden);
        var commands = new AccessRecordingRequestCommands(new AnsweringCommands(Outcome.Refused(refusal)), _journal);
        var request = Guid.NewGuid();

        var outcome = await commands.ApproveAsync(new ApproveRequest(request, 3, "digest", null), Scenarios.Operator, TestContext.Current.CancellationToken);

        outcome.Refusal.ShouldBe(refusal);
        _journal.Refusals.ShouldHaveSingleItem().ShouldBe(
            (Scenarios.Operator.UserId, nameof(ApproveRequest), $"request/{request}", "You requested this change; someone else must approve it."));
    }

    [Fact]
    public async Task SubmitAsync_WhenItSucceedsOrIsAStaleConflict_RecordsNothing()
    {
        var done = new AccessRecordingRequestCommands(new AnsweringCommands(Outcome.Done(Guid.NewGuid())), _journal);
        var stale = new AccessRecordingRequestCommands(
            new AnsweringCommands(Outcome.Refused(Refusal.Because("Someone else acted first.", RefusalKind.Conflict))), _journal);
        var command = new SubmitRequest(RequestKind.Snapshot, Guid.NewGuid(), [], null, null, "Before the upgrade.", null);

        (await done.SubmitAsync(command, Scenarios.Operator, TestContext.Current.CancellationToken)).Succeeded.ShouldBeTrue();
        (await stale.SubmitAsync(command, Scenarios.Operator, TestContext.Current.CancellationToken)).Succeeded.ShouldBeFalse();

        _journal.Refusals.ShouldBeEmpty();
    }

    [Fact]
    public async Task SubmitAsync_MigrationRefused_NamesTheVnfAndTheTargetInTheResource()
    {
        var vnf = Guid.NewGuid();
        var target = Guid.NewGuid();
        var refusal = new Refusal("store is Sensitive ... A component may not move to a less trustworthy environment.",
            new Dictionary<string, string[]> { ["TargetEnvironmentId"] = ["A component may not move to a less trustworthy environment."] });
        var commands = new AccessRecordingRequestCommands(new AnsweringCommands(Outcome.Refused(refusal)), _journal);

        await commands.SubmitAsync(new SubmitRequest(RequestKind.Migration, vnf, [], target, null, "Move it.", null), Scenarios.Operator,
            TestContext.Current.CancellationToken);

        var recorded = _journal.Refusals.ShouldHaveSingleItem();
        recorded.Resource.ShouldBe($"vnf/{vnf}/environment/{target}");
        AccessResources.Parse(recorded.Resource).ShouldBe([("vnf", vnf), ("environment", target)]);
    }

    [Theory]
    [InlineData("/api/requests/{0}/approve", "request")]
    [InlineData("/history/vnfs/{0}", "vnf")]
    [InlineData("trust-domain/{0}", "trust-domain")]
    [InlineData("/inventory/environments/{0}/edit", "environment")]
    public void Parse_PathsAndResources_ReadTheKindAndId(string pattern, string kind)
    {
        var id = Guid.NewGuid();

        AccessResources.Parse(string.Format(System.Globalization.CultureInfo.InvariantCulture, pattern, id)).ShouldBe([(kind, id)]);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("policy")]
    [InlineData("/history")]
    [InlineData("request/not-an-id")]
    public void Parse_WithoutIds_GivesNothing(string? resource) => AccessResources.Parse(resource).ShouldBeEmpty();

    /// <summary>The inner port, answering every command with the same outcome.</summary>
    private sealed class AnsweringCommands(Outcome outcome) : IRequestCommands
    {
        public Task<Outcome> SubmitAsync(SubmitRequest command, Actor actor, CancellationToken ct = default) => Task.FromResult(outcome);

        public Task<Outcome> AmendAsync(AmendRequest command, Actor actor, CancellationToken ct = default) => Task.FromResult(outcome);

        public Task<Outcome> ApproveAsync(ApproveRequest command, Actor actor, CancellationToken ct = default) => Task.FromResult(outcome);

        public Task<Outcome> RejectAsync(RejectRequest command, Actor actor, CancellationToken ct = default) => Task.FromResult(outcome);

        public Task<Outcome> CancelAsync(CancelRequest command, Actor actor, CancellationToken ct = default) => Task.FromResult(outcome);

        public Task<Outcome> RetryAsync(RetryExecution command, Actor actor, CancellationToken ct = default) => Task.FromResult(outcome);
    }
}
