using Console.Workflows.Requests;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Requests;

public sealed class RequestJournalTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 6, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Entry_WhenQuorumCompletedByAnApprover_IsTheWorkflowsConclusionNamingTheLastApprover()
    {
        var entry = RequestJournal.Entry(5, new RequestApproved(Guid.NewGuid(), "digest", "security", At), At);

        entry.Actor.ShouldBe("Console workflow");
        entry.Summary.ShouldBe("All required approvals are in (the last from security); execution starts by itself.");
    }

    [Fact]
    public void Entry_WhenApprovedByPolicyAtSubmission_SaysNoApprovalWasNeeded()
    {
        var entry = RequestJournal.Entry(2, new RequestApproved(Guid.NewGuid(), "digest", "system:policy", At), At);

        entry.Actor.ShouldBe("Console workflow");
        entry.Summary.ShouldStartWith("No approval needed under the policy");
    }
}
