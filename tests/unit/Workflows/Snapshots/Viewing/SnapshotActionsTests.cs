using Console.Workflows.Common;
using Console.Workflows.Inventory;
using Console.Workflows.Requests.Submitting;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Holding;
using Console.Workflows.Snapshots.MarkingNotNeeded;
using Console.Workflows.Snapshots.Pinning;
using Console.Workflows.Snapshots.Viewing;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Snapshots.SnapshotStates;

namespace Console.UnitTests.Workflows.Snapshots.Viewing;

public sealed class SnapshotActionsTests
{
    private static readonly DateTimeOffset Now = Completed.AddDays(2);

    private static readonly Actor[] Everyone = [Requester, OtherOperator, Approver, Security, Admin, Auditor, Manager];

    public static TheoryData<string, SnapshotAction, bool> WhoMayDoWhat() => new()
    {
        // Pin and unpin: operations people and administrators.
        { "olga", SnapshotAction.Pin, true }, { "otto", SnapshotAction.Pin, true }, { "anna", SnapshotAction.Pin, true },
        { "ada", SnapshotAction.Pin, true }, { "sven", SnapshotAction.Pin, false }, { "aldo", SnapshotAction.Pin, false },
        { "mia", SnapshotAction.Pin, false },
        { "olga", SnapshotAction.Unpin, true }, { "otto", SnapshotAction.Unpin, true }, { "anna", SnapshotAction.Unpin, true },
        { "ada", SnapshotAction.Unpin, true }, { "sven", SnapshotAction.Unpin, false }, { "aldo", SnapshotAction.Unpin, false },
        { "mia", SnapshotAction.Unpin, false },
        // Legal holds: security officers and administrators.
        { "olga", SnapshotAction.PlaceLegalHold, false }, { "otto", SnapshotAction.PlaceLegalHold, false },
        { "anna", SnapshotAction.PlaceLegalHold, false }, { "ada", SnapshotAction.PlaceLegalHold, true },
        { "sven", SnapshotAction.PlaceLegalHold, true }, { "aldo", SnapshotAction.PlaceLegalHold, false },
        { "mia", SnapshotAction.PlaceLegalHold, false },
        { "olga", SnapshotAction.ReleaseLegalHold, false }, { "otto", SnapshotAction.ReleaseLegalHold, false },
        { "anna", SnapshotAction.ReleaseLegalHold, false }, { "ada", SnapshotAction.ReleaseLegalHold, true },
        { "sven", SnapshotAction.ReleaseLegalHold, true }, { "aldo", SnapshotAction.ReleaseLegalHold, false },
        { "mia", SnapshotAction.ReleaseLegalHold, false },
        // Not needed: the snapshot's requester or an administrator.
        { "olga", SnapshotAction.MarkNotNeeded, true }, { "otto", SnapshotAction.MarkNotNeeded, false },
        { "anna", SnapshotAction.MarkNotNeeded, false }, { "ada", SnapshotAction.MarkNotNeeded, true },
        { "sven", SnapshotAction.MarkNotNeeded, false }, { "aldo", SnapshotAction.MarkNotNeeded, false },
        { "mia", SnapshotAction.MarkNotNeeded, false },
        // Requests: operators only (an administrator raises guard changes, not snapshot requests).
        { "olga", SnapshotAction.RequestDeletion, true }, { "otto", SnapshotAction.RequestDeletion, true },
        { "anna", SnapshotAction.RequestDeletion, false }, { "ada", SnapshotAction.RequestDeletion, false },
        { "sven", SnapshotAction.RequestDeletion, false }, { "aldo", SnapshotAction.RequestDeletion, false },
        { "mia", SnapshotAction.RequestDeletion, false },
        { "olga", SnapshotAction.RequestRestore, true }, { "otto", SnapshotAction.RequestRestore, true },
        { "anna", SnapshotAction.RequestRestore, false }, { "ada", SnapshotAction.RequestRestore, false },
        { "sven", SnapshotAction.RequestRestore, false }, { "aldo", SnapshotAction.RequestRestore, false },
        { "mia", SnapshotAction.RequestRestore, false },
    };

    [Theory]
    [MemberData(nameof(WhoMayDoWhat))]
    public void For_ASnapshotWhereTheActionApplies_OffersItExactlyToTheRolesTheTableAllows(string who, SnapshotAction action, bool offered)
    {
        var actions = SnapshotActions.For(WhereApplies(action), Everyone.Single(a => a.UserId == who));

        actions.Offers(action).ShouldBe(offered);
        if (offered)
            actions.WhyNot(action).ShouldBeNull();
        else
            actions.WhyNot(action).ShouldBe(who == "otto" && action == SnapshotAction.MarkNotNeeded
                ? "Only the person who requested this snapshot or an administrator may mark it no longer needed."
                : CommandRoles.RefusalMessage(CommandOf(action)));
    }

    [Fact]
    public void For_AnAvailablePublicSnapshot_OffersPinMarkAndRestoreToItsRequester_AndSaysWhyNotTheRest()
    {
        var actions = SnapshotActions.For(Available(Sensitivity.Public) with { StateEpoch = 3 }, Requester);

        actions.All.Where(o => o.Offered).Select(o => o.Action)
            .ShouldBe([SnapshotAction.Pin, SnapshotAction.MarkNotNeeded, SnapshotAction.RequestRestore]);
        actions.WhyNot(SnapshotAction.Unpin).ShouldBe("This snapshot is not pinned.");
        actions.WhyNot(SnapshotAction.PlaceLegalHold).ShouldBe("Only security officers and administrators may place legal holds.");
        actions.WhyNot(SnapshotAction.RequestDeletion).ShouldBe(SnapshotActions.NoApprovalNeededMessage);
    }

    [Fact]
    public void For_APinnedSnapshot_OffersUnpinInsteadOfPin()
    {
        var actions = SnapshotActions.For(Pinned(Available(Sensitivity.Public)), Approver);

        actions.Offers(SnapshotAction.Unpin).ShouldBeTrue();
        actions.WhyNot(SnapshotAction.Pin).ShouldBe("This snapshot is already pinned; unpin it to change the pin.");
    }

    [Fact]
    public void For_AHeldSnapshot_OffersReleaseInsteadOfPlace()
    {
        var actions = SnapshotActions.For(Held(Available(Sensitivity.Public)), Security);

        actions.Offers(SnapshotAction.ReleaseLegalHold).ShouldBeTrue();
        actions.WhyNot(SnapshotAction.PlaceLegalHold).ShouldBe("This snapshot is already under legal hold; release it to change the hold.");
        actions.WhyNot(SnapshotAction.Unpin).ShouldBe("Only NOC operators, NOC approvers and administrators may unpin snapshots.");
    }

    [Fact]
    public void For_ASensitiveSnapshot_OffersADeletionRequestInsteadOfMarkingItNotNeeded()
    {
        var actions = SnapshotActions.For(Available(Sensitivity.Internal, Sensitivity.Sensitive), Requester);

        actions.Offers(SnapshotAction.RequestDeletion).ShouldBeTrue();
        actions.WhyNot(SnapshotAction.MarkNotNeeded).ShouldBe(MarkSnapshotNotNeededDecider.NeedsApprovalMessage);
    }

    [Fact]
    public void For_ASnapshotAlreadyMarkedNotNeeded_OffersNeitherMarkingAgainNorADeletionRequest()
    {
        var marked = Available(Sensitivity.Critical).With(new SnapshotMarkedNotNeeded(Guid.Empty, "done", Requester.UserId, Now));

        var actions = SnapshotActions.For(marked, Requester);

        actions.WhyNot(SnapshotAction.MarkNotNeeded).ShouldBe("This snapshot was already marked no longer needed at 2026-03-03 12:00 UTC.");
        actions.WhyNot(SnapshotAction.RequestDeletion).ShouldBe("This snapshot was already marked no longer needed at 2026-03-03 12:00 UTC.");
        actions.Offers(SnapshotAction.Pin).ShouldBeTrue();
    }

    [Fact]
    public void For_ASnapshotWithoutAStateEpoch_OffersNoRestore()
    {
        var actions = SnapshotActions.For(Available(Sensitivity.Public), Requester);

        actions.WhyNot(SnapshotAction.RequestRestore).ShouldBe(SubmitRequestDecider.NoStateEpochMessage);
    }

    [Fact]
    public void For_ASnapshotBeingDeleted_OffersNothing_EvenToAnAdministrator()
    {
        var deleting = Held(Pinned(Available(Sensitivity.Public))).With(new SnapshotDeletionStarted(
            Guid.Empty, DeletionTrigger.Expired, Guid.Empty, Guid.NewGuid(), "expired", "system:sweep", Now)) with { StateEpoch = 1 };

        var actions = SnapshotActions.For(deleting, Admin);

        actions.Any.ShouldBeFalse();
        actions.WhyNot(SnapshotAction.ReleaseLegalHold).ShouldBe("Secure deletion of this snapshot began at 2026-03-03 12:00 UTC; it can no longer be released.");
        SnapshotActions.For(deleting, Requester).WhyNot(SnapshotAction.RequestRestore)
            .ShouldBe("Secure deletion of this snapshot began at 2026-03-03 12:00 UTC; it can no longer be restored.");
    }

    [Fact]
    public void For_ADeletedSnapshot_OffersNothingAndSaysItWasDeleted()
    {
        var deleted = Available(Sensitivity.Sensitive).With(new SnapshotDeleted(Guid.Empty, Guid.Empty, "expired", "sweep", Now)) with { StateEpoch = 1 };

        var actions = SnapshotActions.For(deleted, Requester);

        actions.Any.ShouldBeFalse();
        actions.WhyNot(SnapshotAction.Pin).ShouldBe("This snapshot was deleted; it can no longer be pinned.");
        actions.WhyNot(SnapshotAction.RequestDeletion).ShouldBe("This snapshot was deleted; it can no longer be deleted by request.");
    }

    public static TheoryData<string> States() => ["public", "sensitive", "pinned", "held", "marked", "deleting", "deleted"];

    // What the page offers is what the decider would accept (with a good reason), for every person and state.
    [Theory]
    [MemberData(nameof(States))]
    public void For_EveryPersonAndState_OffersACommandExactlyWhenItsDeciderAcceptsIt(string state)
    {
        var snapshot = StateNamed(state);
        foreach (var actor in Everyone)
        {
            var actions = SnapshotActions.For(snapshot, actor);
            var v = snapshot.Version;
            if (snapshot.Pin is null)
                Accepts(PinSnapshotDecider.Decide(new PinSnapshot(snapshot.Id, v, "keep", null), snapshot, actor, Now))
                    .ShouldBe(actions.Offers(SnapshotAction.Pin), $"pin by {actor.UserId}");
            Accepts(PinSnapshotDecider.Decide(new UnpinSnapshot(snapshot.Id, v, "done"), snapshot, actor, Now))
                .ShouldBe(actions.Offers(SnapshotAction.Unpin), $"unpin by {actor.UserId}");
            if (snapshot.LegalHold is null)
                Accepts(LegalHoldDecider.Decide(new PlaceLegalHold(snapshot.Id, v, "case", null), snapshot, actor, Now))
                    .ShouldBe(actions.Offers(SnapshotAction.PlaceLegalHold), $"hold by {actor.UserId}");
            Accepts(LegalHoldDecider.Decide(new ReleaseLegalHold(snapshot.Id, v, "closed"), snapshot, actor, Now))
                .ShouldBe(actions.Offers(SnapshotAction.ReleaseLegalHold), $"release by {actor.UserId}");
            Accepts(MarkSnapshotNotNeededDecider.Decide(new MarkSnapshotNotNeeded(snapshot.Id, v, "gone"), snapshot, actor, Now))
                .ShouldBe(actions.Offers(SnapshotAction.MarkNotNeeded), $"not needed by {actor.UserId}");
        }
    }

    private static bool Accepts(Decision decision) => !decision.Refused;

    private static Snapshot StateNamed(string name) => name switch
    {
        "public" => Available(Sensitivity.Public),
        "sensitive" => Available(Sensitivity.Sensitive),
        "pinned" => Pinned(Available(Sensitivity.Public)),
        "held" => Held(Available(Sensitivity.Internal)),
        "marked" => Available(Sensitivity.Public).With(new SnapshotMarkedNotNeeded(Guid.Empty, "done", Requester.UserId, Now)),
        "deleting" => Held(Available(Sensitivity.Public)).With(new SnapshotDeletionStarted(
            Guid.Empty, DeletionTrigger.NotNeeded, Guid.Empty, Guid.NewGuid(), "not needed", "system:sweep", Now)),
        _ => Pinned(Available(Sensitivity.Public)).With(new SnapshotDeleted(Guid.Empty, Guid.Empty, "expired", "sweep", Now)),
    };

    private static Snapshot WhereApplies(SnapshotAction action) => action switch
    {
        SnapshotAction.Unpin => Pinned(Available(Sensitivity.Public)),
        SnapshotAction.ReleaseLegalHold => Held(Available(Sensitivity.Public)),
        SnapshotAction.RequestDeletion => Available(Sensitivity.Critical),
        SnapshotAction.RequestRestore => Available(Sensitivity.Public) with { StateEpoch = 4 },
        _ => Available(Sensitivity.Public),
    };

    private static ConsoleCommand CommandOf(SnapshotAction action) => action switch
    {
        SnapshotAction.Pin => ConsoleCommand.PinSnapshot,
        SnapshotAction.Unpin => ConsoleCommand.UnpinSnapshot,
        SnapshotAction.PlaceLegalHold => ConsoleCommand.PlaceLegalHold,
        SnapshotAction.ReleaseLegalHold => ConsoleCommand.ReleaseLegalHold,
        SnapshotAction.MarkNotNeeded => ConsoleCommand.MarkSnapshotNotNeeded,
        SnapshotAction.RequestDeletion => ConsoleCommand.SubmitSnapshotDeletion,
        _ => ConsoleCommand.SubmitRestore,
    };

    private static Snapshot Pinned(Snapshot s) => s.With(new SnapshotPinned(s.Id, "golden image", null, Approver.UserId, Now));

    private static Snapshot Held(Snapshot s) => s.With(new LegalHoldPlaced(s.Id, "case 7", null, Security.UserId, Now));
}
