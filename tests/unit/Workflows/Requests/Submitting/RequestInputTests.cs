using Console.Workflows.Requests;
using Console.Workflows.Requests.Submitting;
using Shouldly;
using Xunit;
using static Console.UnitTests.Workflows.Requests.Scenarios;

namespace Console.UnitTests.Workflows.Requests.Submitting;

public sealed class RequestInputTests
{
    private static readonly RequestDraft Migration =
        new(RequestKind.Migration, UdmId, DcAId, null, Justification, null, null);

    private static IReadOnlyDictionary<string, string[]> Check(RequestDraft draft) => RequestInput.Check(draft, Now);

    [Fact]
    public void Check_CompleteMigration_HasNoErrors() => Check(Migration).ShouldBeEmpty();

    [Fact]
    public void Check_EmptyDraft_AsksForKindVnfAndJustification()
    {
        var errors = Check(new RequestDraft(null, null, null, null, " ", null, null));

        errors.Keys.Order().ShouldBe(["Justification", "Kind", "VnfId"]);
        errors["VnfId"].ShouldBe(["Choose the VNF."]);
        errors["Justification"].ShouldBe(["Explain why in at least 10 characters."]);
        errors["Kind"].ShouldHaveSingleItem().ShouldStartWith("Choose a snapshot, a migration");
    }

    [Fact]
    public void Check_GuardChangeKind_IsNotARequestAPersonRaisesHere() =>
        Check(Migration with { Kind = RequestKind.GuardChange }).Keys.ShouldBe(["Kind"]);

    [Fact]
    public void Check_MigrationWithoutTarget_AsksForTheEnvironment() =>
        Check(Migration with { TargetEnvironmentId = null })["TargetEnvironmentId"].ShouldBe(["Choose the environment to move to."]);

    [Theory]
    [InlineData(RequestKind.SnapshotDeletion, "Choose the snapshot to delete.")]
    [InlineData(RequestKind.Restore, "Choose the snapshot to roll back to.")]
    public void Check_SnapshotKindWithoutSnapshot_AsksForIt(RequestKind kind, string message)
    {
        var errors = Check(Migration with { Kind = kind, TargetEnvironmentId = null });

        errors.Keys.ShouldBe(["SnapshotId"]);
        errors["SnapshotId"].ShouldBe([message]);
    }

    [Fact]
    public void Check_JustificationOver2000_SaysTheLimit() =>
        Check(Migration with { Justification = new string('j', 2001) })["Justification"]
            .ShouldBe(["The justification must be at most 2000 characters."]);

    [Fact]
    public void Check_WindowWithOnlyAStart_AsksForBothOrNeither() =>
        Check(Migration with { WindowStart = Now.AddHours(1) })["Window"]
            .ShouldBe(["Give both the start and the end of the change window, or neither."]);

    [Fact]
    public void Check_WindowInThePastAndBackwards_NamesBothProblems() =>
        Check(Migration with { WindowStart = Now.AddHours(-1), WindowEnd = Now.AddHours(-2) })["Window"]
            .ShouldBe(["The change window must end after it starts.", "The change window must end in the future."]);

    [Fact]
    public void Check_WindowOver30Days_SaysTheLimit() =>
        Check(Migration with { WindowStart = Now.AddHours(1), WindowEnd = Now.AddDays(31) })["Window"]
            .ShouldBe(["The change window may be at most 30 days long."]);

    [Fact]
    public void CheckAmendment_LooksOnlyAtJustificationAndWindow() =>
        RequestInput.CheckAmendment("short", Now.AddHours(2), Now.AddHours(1), Now).Keys.Order().ShouldBe(["Justification", "Window"]);

    [Fact]
    public void Decider_WhenAnInputRuleIsBroken_RefusesWithTheSameMessages()
    {
        var command = MigrateSidfToDcA with { Justification = "short", Window = new ChangeWindow(Now.AddHours(-2), Now.AddHours(-1)) };

        var refusal = SubmitRequestDecider.Decide(command, RequestId, Facts(), Operator, Now).Refusal.ShouldNotBeNull();

        var expected = RequestInput.Check(
            new RequestDraft(command.Kind, command.VnfId, command.TargetEnvironmentId, null, "short", command.Window!.Start, command.Window.End), Now);
        refusal.FieldErrors.Keys.Order().ShouldBe(["Justification", "Window"]);
        foreach (var (field, messages) in expected)
            refusal.FieldErrors[field].ShouldBe(messages);
    }
}
