using Console.Web.Api;
using Console.Web.Api.Requests;
using Console.Workflows.Requests;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Api;

public sealed class RequestBodiesTests
{
    private const string Why = "Planned hardware refresh of the racks.";
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);
    private static readonly Guid Vnf = Guid.NewGuid();
    private static readonly Guid Target = Guid.NewGuid();

    private static IReadOnlyDictionary<string, string[]> Errors(ApiFieldErrors errors) => errors.ToDictionary();

    [Fact]
    public void Submit_WhenASnapshotNamesNoComponents_AsksForAllOfThem()
    {
        var (command, errors) = new SubmitRequestBody(RequestKind.Snapshot, Vnf, null, null, null, $"  {Why}  ", null).ToCommand(Now);

        errors.Any.ShouldBeFalse();
        command.ShouldBe(new SubmitRequest(RequestKind.Snapshot, Vnf, command!.ComponentIds, null, null, Why, null));
        command.ComponentIds.ShouldBeEmpty();
    }

    [Fact]
    public void Submit_WhenKindAndJustificationAreMissing_NamesBothWithTheWorkflowsMessages()
    {
        var (command, errors) = new SubmitRequestBody(null, Vnf, null, null, null, " ", null).ToCommand(Now);

        command.ShouldBeNull();
        Errors(errors).Keys.Order().ShouldBe(["justification", "kind"]);
        Errors(errors)["justification"].ShouldBe(["Explain why in at least 10 characters."]);
    }

    [Fact]
    public void Submit_WhenAMigrationHasNoTarget_NamesTargetEnvironmentId()
    {
        var (_, errors) = new SubmitRequestBody(RequestKind.Migration, Vnf, null, null, null, Why, null).ToCommand(Now);

        Errors(errors).Keys.ShouldBe(["targetEnvironmentId"]);
        Errors(errors)["targetEnvironmentId"].ShouldBe(["Choose the environment to move to."]);
    }

    [Fact]
    public void Submit_WhenASnapshotDeletionHasNeitherVnfNorSnapshot_NamesBoth()
    {
        var (_, errors) = new SubmitRequestBody(RequestKind.SnapshotDeletion, null, null, null, null, Why, null).ToCommand(Now);

        Errors(errors).Keys.Order().ShouldBe(["snapshotId", "vnfId"]);
        Errors(errors)["snapshotId"].ShouldBe(["Choose the snapshot to delete."]);
    }

    [Fact]
    public void Submit_WhenTheWindowHasNoEnd_AsksForBothOrNeither()
    {
        var (_, errors) = new SubmitRequestBody(RequestKind.Migration, Vnf, null, Target, null, Why,
            new WindowBody(Now.AddHours(1), null)).ToCommand(Now);

        Errors(errors)["window"].ShouldBe(["Give both the start and the end of the change window, or neither."]);
    }

    [Fact]
    public void Submit_WhenTheWindowHasEnded_RefusesBeforeTheWorkflowIsAsked()
    {
        var (command, errors) = new SubmitRequestBody(RequestKind.Migration, Vnf, null, Target, null, Why,
            new WindowBody(Now.AddHours(-3), Now.AddHours(-1))).ToCommand(Now);

        command.ShouldBeNull();
        Errors(errors)["window"].ShouldBe(["The change window must end in the future."]);
    }

    [Fact]
    public void Amend_WhenComplete_CarriesRouteIdAndExpectedVersion()
    {
        var id = Guid.NewGuid();

        var (command, _) = new AmendRequestBody([Target], Target, "Narrower: only the SIDF moves.", null, null).ToCommand(id, 3, Now);

        command!.RequestId.ShouldBe(id);
        command.ExpectedVersion.ShouldBe(3);
        command.ComponentIds.ShouldBe([Target]);
    }

    [Fact]
    public void Amend_WhenJustificationIsMissing_NamesIt() =>
        Errors(new AmendRequestBody(null, null, null, null, 3).ToCommand(Guid.NewGuid(), 3, Now).Errors)["justification"]
            .ShouldBe(["Explain why in at least 10 characters."]);
}
