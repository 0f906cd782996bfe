using Console.Web.Components.Shared;
using Console.Web.Components.Shared.Requests;
using Console.Workflows.Alerts;
using Console.Workflows.Inventory;
using Console.Workflows.Requests;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Shared;

public sealed class StatusWordsTests
{
    [Theory]
    [InlineData(RequestStatus.PendingApproval, "Pending approval")]
    [InlineData(RequestStatus.WindowMissed, "Window missed")]
    [InlineData(RequestStatus.Completed, "Completed")]
    public void StatusWords_RequestStatus_ReadsAsWords(RequestStatus status, string words)
    {
        StatusWords.Of(status).ShouldBe(words);
        RequestText.Status(status).ShouldBe(words);
    }

    [Theory]
    [InlineData("CoreDataCentre", "Core data centre")]
    [InlineData("TEEAttested", "TEE attested")]
    [InlineData("RunsOnVM", "Runs on VM")]
    [InlineData("Open", "Open")]
    [InlineData("Epoch2Sealed", "Epoch2 sealed")]
    public void StatusWords_Split_KeepsAcronymsAndLowersTheOtherWords(string name, string words) =>
        StatusWords.Split(name).ShouldBe(words);

    [Fact]
    public void StatusWords_EveryStatusShownOnAChip_HasNoGluedWords()
    {
        var shown = Enum.GetValues<RequestStatus>().Select(StatusWords.Of)
            .Concat(Enum.GetValues<AlertState>().Select(StatusWords.Of))
            .Concat(Enum.GetValues<AttestationStatus>().Select(StatusWords.Of))
            .Concat(Enum.GetValues<TrustLevel>().Select(StatusWords.Of))
            .Concat(Enum.GetValues<Sensitivity>().Select(StatusWords.Of));

        shown.ShouldAllBe(text => !text.Skip(1).Any(char.IsUpper));
    }
}
