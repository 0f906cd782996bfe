using Console.Workflows.Requests;
using Console.Workflows.Requests.Amending;
using Console.Workflows.Requests.Approving;
using Console.Workflows.Requests.Submitting;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests.Amending;

/// <summary>What each amendment changed, read from the request's events, as the request page shows it.</summary>
public sealed class AmendmentHistoryTests
{
    private static readonly AmendmentNames Names = new(
        id => Udm.Components.FirstOrDefault(c => c.Id == id)?.Name,
        id => new[] { DcA, DcB, Munich, Cloud }.FirstOrDefault(e => e.Id == id)?.Name);

    // Runs the deciders and keeps every event with its version, as the stream would hold them.
    private sealed class Stream
    {
        private readonly List<(long Version, object Data)> _events = [];

        public ChangeRequest State { get; private set; } = null!;

        public IReadOnlyList<(long Version, object Data)> Events => _events;

        public Stream Then(Func<ChangeRequest?, Console.Workflows.Common.Decision> decide)
        {
            var decision = decide(_events.Count == 0 ? null : State);
            State = Accepted(decision, _events.Count == 0 ? null : State);
            foreach (var e in decision.Events)
                _events.Add((_events.Count + 1, e));
            return this;
        }
    }

    private static Stream Submitted(SubmitRequest command) =>
        new Stream().Then(_ => SubmitRequestDecider.Decide(command, RequestId, Facts(), Operator, Now));

    private static Func<ChangeRequest?, Console.Workflows.Common.Decision> Approve(Console.Workflows.Common.Actor approver) =>
        s => ApproveRequestDecider.Decide(new ApproveRequest(s!.Id, s.Version, s.ContentDigest, null), s, approver, Now.AddMinutes(5), SteppedUp);

    private static Func<ChangeRequest?, Console.Workflows.Common.Decision> Amend(
        Func<ChangeRequest, AmendRequest> command, int minutes = 10) =>
        s => AmendRequestDecider.Decide(command(s!), s!, Facts(), Operator, Now.AddMinutes(minutes));

    private static AmendRequest Same(ChangeRequest s) =>
        new(s.Id, s.Version, s.Content.ComponentIds, s.Content.TargetEnvironmentId, s.Justification, s.Window);

    [Fact]
    public void Of_AnAmendedJustificationAndWindow_ListsBeforeAndAfterAndWhoseApprovalsItVoided()
    {
        var window = new ChangeWindow(Now.AddHours(2), Now.AddHours(4));
        var stream = Submitted(MigrateSidfToDcA)
            .Then(Approve(Approver))
            .Then(Approve(Security))
            .Then(Amend(s => Same(s) with { Justification = "Racks 14-17 now.", Window = window }));

        var amendment = AmendmentHistory.Of(stream.Events, Names).ShouldHaveSingleItem();

        (amendment.Version, amendment.By, amendment.At).ShouldBe((4L, "operator", Now.AddMinutes(10)));
        amendment.VoidedApprovals.ShouldBe(["approver", "security"]);
        amendment.Changes.ShouldBe(new[]
        {
            new FieldChange(AmendmentHistory.Fields.Window, "any time", "2026-03-02 12:00 UTC to 2026-03-02 14:00 UTC"),
            new FieldChange(AmendmentHistory.Fields.Justification, Justification, "Racks 14-17 now."),
        });
        stream.State.CurrentApprovals.ShouldBeEmpty();
    }

    [Fact]
    public void Of_MoreComponents_NamesThemAndTheApprovalsNowNeeded()
    {
        var stream = Submitted(MigrateSidfToDcA)
            .Then(Amend(s => Same(s) with { ComponentIds = [SidfId, DataApiId] }));

        var changes = AmendmentHistory.Of(stream.Events, Names).ShouldHaveSingleItem().Changes;

        changes.Single(c => c.Field == AmendmentHistory.Fields.Components)
            .ShouldBe(new FieldChange(AmendmentHistory.Fields.Components, Sidf.Name, $"{DataApi.Name}, {Sidf.Name}"));
        var approvals = changes.Single(c => c.Field == AmendmentHistory.Fields.Approvals);
        approvals.Before.ShouldContain("1 NOC approver");
        approvals.After.ShouldContain("2 NOC approvers");
        changes.ShouldNotContain(c => c.Field == AmendmentHistory.Fields.Target);
    }

    [Fact]
    public void Of_TwoAmendments_EachVoidsOnlyTheApprovalsGivenSinceThePreviousOne()
    {
        var stream = Submitted(MigrateSidfToDcA)
            .Then(Approve(Approver))
            .Then(Amend(s => Same(s) with { Justification = Justification + " First change." }))
            .Then(Approve(Security))
            .Then(Amend(s => Same(s) with { TargetEnvironmentId = DcAId, Justification = Justification + " Second change." }, minutes: 20));

        var amendments = AmendmentHistory.Of(stream.Events, Names);

        amendments.Select(a => string.Join(", ", a.VoidedApprovals)).ShouldBe(["approver", "security"]);
        amendments[1].Changes.ShouldHaveSingleItem()
            .ShouldBe(new FieldChange(AmendmentHistory.Fields.Justification, Justification + " First change.", Justification + " Second change."));
    }

    [Fact]
    public void Of_ARequestNeverAmended_IsEmpty() =>
        AmendmentHistory.Of(Submitted(MigrateSidfToDcA).Then(Approve(Approver)).Events, Names).ShouldBeEmpty();
}
