using System.Text.RegularExpressions;
using Console.Web.Components.Shared.Requests;
using Console.Workflows.Requests;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Shared.Requests;

public sealed partial class RequestTextTests
{
    public static TheoryData<RequestStatus> Statuses() => [.. Enum.GetValues<RequestStatus>()];

    [Theory]
    [MemberData(nameof(Statuses))]
    public void Status_EveryStatus_ReadsAsWordsWithACapitalFirstLetterOnly(RequestStatus status)
    {
        var text = RequestText.Status(status);

        text.ShouldMatch(Words().ToString(), $"{status} should read as words, not as the enum name");
    }

    [Fact]
    public void Status_TwoStatuses_NeverReadTheSame()
    {
        Enum.GetValues<RequestStatus>().Select(RequestText.Status).ShouldBeUnique();
    }

    [Fact]
    public void Status_PendingApproval_IsTwoWords()
    {
        RequestText.Status(RequestStatus.PendingApproval).ShouldBe("Pending approval");
    }

    // "Pending approval", "Window missed": a capital, then lower-case words separated by single spaces.
    [GeneratedRegex("^[A-Z][a-z]+( [a-z]+)*$")]
    private static partial Regex Words();
}
