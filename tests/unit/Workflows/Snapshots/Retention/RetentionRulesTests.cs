using Console.Workflows.Inventory;
using Console.Workflows.Policy;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Retention;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Snapshots.SnapshotStates;

namespace Console.UnitTests.Workflows.Snapshots.Retention;

/// <summary>Expiry, due-ness and "why is it kept" as pure functions, under the default policy unless said otherwise.</summary>
public sealed class RetentionRulesTests
{
    private static readonly DateTimeOffset Now = Completed.AddDays(40);

    [Theory]
    [InlineData(new[] { Sensitivity.Public }, 30, Sensitivity.Public)]
    [InlineData(new[] { Sensitivity.Public, Sensitivity.Internal }, 14, Sensitivity.Internal)]
    [InlineData(new[] { Sensitivity.Internal, Sensitivity.Critical, Sensitivity.Sensitive }, 3, Sensitivity.Critical)]
    public void Expiry_IsCompletionPlusTheShortestMaxAgeAmongTheComponents(Sensitivity[] sensitivities, int days, Sensitivity governing)
    {
        var (expiresAt, by) = RetentionRules.Expiry(Taken(sensitivities).Components, Completed, DefaultPolicy.Document);

        expiresAt.ShouldBe(Completed.AddDays(days));
        by.ShouldBe(governing);
    }

    [Fact]
    public void Expiry_WhenAPolicyGivesALowerSensitivityTheShorterAge_ThatSensitivityGoverns()
    {
        var odd = DefaultPolicy.Document with
        {
            Sensitivities = [.. DefaultPolicy.Document.Sensitivities.Select(r =>
                r.Sensitivity == Sensitivity.Internal ? r with { MaxSnapshotAge = TimeSpan.FromDays(1) } : r)],
        };

        var (expiresAt, governing) = RetentionRules.Expiry(Taken(Sensitivity.Internal, Sensitivity.Critical).Components, Completed, odd);

        expiresAt.ShouldBe(Completed.AddDays(1));
        governing.ShouldBe(Sensitivity.Internal);
    }

    [Fact]
    public void Assign_RecordsThePolicyRevisionAndIsCountedFromCompletion()
    {
        var taken = Taken(Sensitivity.Sensitive);

        var assigned = RetentionRules.Assign(taken, PolicyAt(revision: 4), "system:execution", Completed.AddSeconds(3));

        assigned.ShouldBe(new RetentionAssigned(taken.SnapshotId, Completed.AddDays(7), Sensitivity.Sensitive, 4, "system:execution", Completed.AddSeconds(3)));
    }

    [Fact]
    public void Reassign_WhenTheRevisionDoesNotChangeTheMaxAge_ChangesNothing()
    {
        var snapshot = Available(Sensitivity.Internal);
        var unrelated = DefaultPolicy.Document with { PendingRequestTimeout = TimeSpan.FromHours(2) };

        RetentionRules.Reassign(snapshot, PolicyAt(unrelated, revision: 2), "p", Now).ShouldBeNull();
    }

    [Fact]
    public void Reassign_WhenTheMaxAgeChanges_GivesTheNewExpiryUnderTheNewRevision()
    {
        var snapshot = Available(Sensitivity.Internal);
        var longer = DefaultPolicy.Document with
        {
            Sensitivities = [.. DefaultPolicy.Document.Sensitivities.Select(r =>
                r.Sensitivity == Sensitivity.Internal ? r with { MaxSnapshotAge = TimeSpan.FromDays(60) } : r)],
        };

        var assigned = RetentionRules.Reassign(snapshot, PolicyAt(longer, revision: 2), "p", Now).ShouldNotBeNull();

        assigned.ExpiresAt.ShouldBe(Completed.AddDays(60));
        assigned.PolicyRevision.ShouldBe(2);
        RetentionRules.Reassign(snapshot.With(assigned), PolicyAt(longer, revision: 2), "p", Now).ShouldBeNull();
    }

    [Fact]
    public void Reassign_DeletedSnapshot_IsLeftAlone()
    {
        var deleted = Available(Sensitivity.Public).With(new SnapshotDeleted(Guid.Empty, Guid.Empty, "r", "b", Now));

        RetentionRules.Reassign(deleted, PolicyAt(DefaultPolicy.Document with { KeepLastGoodSnapshot = false }, 2), "p", Now).ShouldBeNull();
    }

    [Fact]
    public void Judge_BeforeExpiry_IsNotDue()
    {
        var snapshot = Available(Sensitivity.Public);

        var verdict = RetentionRules.Judge(snapshot, isLastGood: false, keepLastGood: true, Completed.AddDays(30).AddTicks(-1));

        verdict.State.ShouldBe(RetentionState.NotDue);
        verdict.DueAt.ShouldBe(Completed.AddDays(30));
    }

    [Fact]
    public void Judge_AtExpiryWithNothingKeepingIt_IsDueAsExpired()
    {
        var verdict = RetentionRules.Judge(Available(Sensitivity.Public), false, true, Completed.AddDays(30));

        verdict.State.ShouldBe(RetentionState.Due);
        verdict.Trigger.ShouldBe(DeletionTrigger.Expired);
        verdict.Deletable.ShouldBeTrue();
        verdict.Protections.ShouldBeEmpty();
    }

    [Fact]
    public void Judge_LegalHoldWithoutUntil_KeepsItAndSaysWhoWhyAndUntilWhen()
    {
        var snapshot = Available(Sensitivity.Public).With(new LegalHoldPlaced(Guid.Empty, "Case 17", null, "security", Completed.AddDays(1)));

        var verdict = RetentionRules.Judge(snapshot, false, true, Now);

        verdict.State.ShouldBe(RetentionState.Kept);
        verdict.Protections.ShouldHaveSingleItem().Description.ShouldBe("Legal hold by security: Case 17 until released");
    }

    [Fact]
    public void Judge_LegalHoldUntilAFutureTime_KeepsIt_AfterThatTimeItIsDue()
    {
        var until = Now.AddDays(2);
        var snapshot = Available(Sensitivity.Public).With(new LegalHoldPlaced(Guid.Empty, "Audit", until, "security", Completed.AddDays(1)));

        var during = RetentionRules.Judge(snapshot, false, true, Now);
        var after = RetentionRules.Judge(snapshot, false, true, until);

        during.State.ShouldBe(RetentionState.Kept);
        during.Protections.Single().Description.ShouldBe($"Legal hold by security: Audit until {until:yyyy-MM-dd HH:mm} UTC");
        after.State.ShouldBe(RetentionState.Due);
    }

    [Fact]
    public void Judge_Pinned_KeepsIt_UnpinnedItIsDue()
    {
        var pinned = Available(Sensitivity.Internal).With(new SnapshotPinned(Guid.Empty, "Golden image", null, "olga", Completed));

        RetentionRules.Judge(pinned, false, true, Now).Protections.ShouldHaveSingleItem().Kind.ShouldBe(ProtectionKind.Pin);
        RetentionRules.Judge(pinned.With(new SnapshotUnpinned(Guid.Empty, "done", "olga", Now)), false, true, Now).State.ShouldBe(RetentionState.Due);
    }

    [Fact]
    public void Judge_PinWithAPastUntil_NoLongerKeepsIt()
    {
        var pinned = Available(Sensitivity.Internal).With(new SnapshotPinned(Guid.Empty, "Until the upgrade", Now.AddDays(-1), "olga", Completed));

        RetentionRules.Judge(pinned, false, true, Now).State.ShouldBe(RetentionState.Due);
    }

    [Fact]
    public void Judge_LastGoodSnapshot_IsKeptOnlyWhileThePolicyAsksForIt()
    {
        var snapshot = Available(Sensitivity.Public);

        var kept = RetentionRules.Judge(snapshot, isLastGood: true, keepLastGood: true, Now);
        var notKept = RetentionRules.Judge(snapshot, isLastGood: true, keepLastGood: false, Now);
        var notLast = RetentionRules.Judge(snapshot, isLastGood: false, keepLastGood: true, Now);

        kept.State.ShouldBe(RetentionState.Kept);
        kept.Protections.ShouldHaveSingleItem().Description.ShouldStartWith("Last good snapshot of udm-1");
        notKept.State.ShouldBe(RetentionState.Due);
        notLast.State.ShouldBe(RetentionState.Due);
    }

    [Fact]
    public void Judge_HoldPinAndLastGoodTogether_AllShowStrongestFirst()
    {
        var snapshot = Available(Sensitivity.Public)
            .With(new SnapshotPinned(Guid.Empty, "Golden", null, "olga", Completed))
            .With(new LegalHoldPlaced(Guid.Empty, "Case 17", null, "security", Completed));

        RetentionRules.Judge(snapshot, true, true, Now).Protections.Select(p => p.Kind)
            .ShouldBe([ProtectionKind.LegalHold, ProtectionKind.Pin, ProtectionKind.LastGood]);
    }

    [Fact]
    public void Judge_MarkedNotNeeded_IsDueAtOnceBeforeItsExpiry_ButAHoldStillKeepsIt()
    {
        var marked = Available(Sensitivity.Public).With(new SnapshotMarkedNotNeeded(Guid.Empty, "Upgrade fine", "olga", Completed.AddDays(1)));
        var soon = Completed.AddDays(1);

        var verdict = RetentionRules.Judge(marked, false, true, soon);

        verdict.State.ShouldBe(RetentionState.Due);
        verdict.Trigger.ShouldBe(DeletionTrigger.NotNeeded);
        verdict.DueAt.ShouldBe(soon);
        marked.DueAt.ShouldBe(soon);
        RetentionRules.Judge(marked.With(new LegalHoldPlaced(Guid.Empty, "Case", null, "security", soon)), false, true, soon)
            .State.ShouldBe(RetentionState.Kept);
    }

    [Fact]
    public void Judge_MarkedNotNeededAfterExpiry_StaysAnExpiry()
    {
        var marked = Available(Sensitivity.Public).With(new SnapshotMarkedNotNeeded(Guid.Empty, "late", "olga", Completed.AddDays(31)));

        var verdict = RetentionRules.Judge(marked, false, true, Now);

        verdict.Trigger.ShouldBe(DeletionTrigger.Expired);
        marked.DueAt.ShouldBe(Completed.AddDays(30));
    }

    [Fact]
    public void Judge_DeletionBegunOrDone_SaysSo()
    {
        var started = Available(Sensitivity.Public).With(new SnapshotDeletionStarted(
            Guid.Empty, DeletionTrigger.Expired, Guid.Empty, Guid.NewGuid(), "expired", "sweep", Now));

        RetentionRules.Judge(started, false, true, Now).State.ShouldBe(RetentionState.Deleting);
        var deleted = started.With(new SnapshotDeleted(Guid.Empty, Guid.Empty, "expired", "sweep", Now, DeletionTrigger.Expired));
        RetentionRules.Judge(deleted, false, true, Now).State.ShouldBe(RetentionState.Deleted);
        deleted.DueAt.ShouldBeNull();
        deleted.Deletion.ShouldBeNull();
    }

    [Fact]
    public void Judge_SnapshotWithoutRetentionYet_IsNeverDue()
    {
        var legacy = Snapshot.Create(Taken(Sensitivity.Public));

        RetentionRules.Judge(legacy, false, true, Now.AddYears(5)).State.ShouldBe(RetentionState.Unassigned);
        RetentionRules.IsDue(legacy, Now.AddYears(5)).ShouldBeFalse();
    }

    [Fact]
    public void IsLastGood_IsTheNewestAvailableByCompletion()
    {
        var vnf = Guid.NewGuid();
        var old = Available(Taken(Guid.NewGuid(), vnf, Completed, Sensitivity.Public));
        var newer = Available(Taken(Guid.NewGuid(), vnf, Completed.AddHours(1), Sensitivity.Public));
        var all = new[] { old, newer }.Select(s => (s.Id, s.CompletedAt)).ToList();

        RetentionRules.IsLastGood(newer, all).ShouldBeTrue();
        RetentionRules.IsLastGood(old, all).ShouldBeFalse();
        RetentionRules.IsLastGood(old, [(old.Id, old.CompletedAt)]).ShouldBeTrue();
    }

    [Theory]
    [InlineData(Sensitivity.Public, false)]
    [InlineData(Sensitivity.Internal, false)]
    [InlineData(Sensitivity.Sensitive, true)]
    [InlineData(Sensitivity.Critical, true)]
    public void NeedsApprovalToDelete_ForSensitiveAndCriticalComponents(Sensitivity sensitivity, bool needs) =>
        RetentionRules.NeedsApprovalToDelete(Available(Sensitivity.Public, sensitivity)).ShouldBe(needs);
}
