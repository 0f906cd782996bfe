using Console.Web.Api;
using Console.Web.Api.Requests;
using Console.Workflows.Requests;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Api;

public sealed class RequestBodiesTests
{
    private static readonly Guid Vnf = Guid.NewGuid();
    private static readonly Guid Target = Guid.NewGuid();

    private static IReadOnlyDictionary<string, string[]> Errors(ApiFieldErrors errors) => errors.ToDictionary();

    [Fact]
    public void Submit_WhenASnapshotNamesNoComponents_AsksForAllOfThem()
    {
        var (command, errors) = new SubmitRequestBody(RequestKind.Snapshot, Vnf, null, null, null, "  nightly  ", null).ToCommand();

        errors.Any.ShouldBeFalse();
        command.ShouldBe(new SubmitRequest(RequestKind.Snapshot, Vnf, command!.ComponentIds, null, null, "nightly", null));
        command.ComponentIds.ShouldBeEmpty();
    }

    [Fact]
    public void Submit_WhenKindAndJustificationAreMissing_NamesBoth()
    {
        var (command, errors) = new SubmitRequestBody(null, Vnf, null, null, null, " ", null).ToCommand();

        command.ShouldBeNull();
        Errors(errors).Keys.Order().ShouldBe(["justification", "kind"]);
    }

    [Fact]
    public void Submit_WhenAMigrationHasNoTarget_NamesTargetEnvironmentId()
    {
        var (_, errors) = new SubmitRequestBody(RequestKind.Migration, Vnf, null, null, null, "why", null).ToCommand();

        Errors(errors).Keys.ShouldBe(["targetEnvironmentId"]);
    }

    [Fact]
    public void Submit_WhenASnapshotDeletionHasNoSnapshot_NamesSnapshotIdButNotVnfId()
    {
        var (_, errors) = new SubmitRequestBody(RequestKind.SnapshotDeletion, null, null, null, null, "why", null).ToCommand();

        Errors(errors).Keys.ShouldBe(["snapshotId"]);
    }

    [Fact]
    public void Submit_WhenTheWindowHasNoEnd_NamesWindowEnd()
    {
        var (_, errors) = new SubmitRequestBody(RequestKind.Migration, Vnf, null, Target, null, "why",
            new WindowBody(DateTimeOffset.UnixEpoch, null)).ToCommand();

        Errors(errors).Keys.ShouldBe(["window.end"]);
    }

    [Fact]
    public void Amend_WhenComplete_CarriesRouteIdAndExpectedVersion()
    {
        var id = Guid.NewGuid();

        var (command, _) = new AmendRequestBody([Target], Target, "narrower", null, null).ToCommand(id, 3);

        command!.RequestId.ShouldBe(id);
        command.ExpectedVersion.ShouldBe(3);
        command.ComponentIds.ShouldBe([Target]);
    }

    [Fact]
    public void Amend_WhenJustificationIsMissing_NamesIt() =>
        Errors(new AmendRequestBody(null, null, null, null, 3).ToCommand(Guid.NewGuid(), 3).Errors).Keys.ShouldBe(["justification"]);
}
