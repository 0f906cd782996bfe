using Console.Workflows.Audit.History;
using Console.Workflows.Requests;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Requests;

/// <summary>The request page's journal and the security history word a request's events with the same sentence.</summary>
public sealed class RequestDescriptionsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 6, 0, 0, TimeSpan.Zero);
    private static readonly Guid Request = Guid.Parse("5a000000-0000-4000-8000-000000000001");

    public static TheoryData<object, string> Described() => new()
    {
        { new RequestRejected(Request, "approver", "Ann Approver", "Not in this window.", At), "Rejected: Not in this window." },
        { new RequestCancelled(Request, "operator", "Otto Operator", "No longer needed.", At), "Cancelled: No longer needed." },
        { new RequestExpired(Request, "system:expiry", At), "Expired without enough approvals." },
        { new ExecutionStarted(Request, 2, "system:execution", At), "Execution attempt 2 started." },
        { new ExecutionCompleted(Request, 1, "Migrated: all components.", "system:execution", At), "Attempt 1 completed. Migrated: all components." },
        { new ExecutionFailed(Request, 1, "VIM unreachable", "system:execution", At), "Attempt 1 failed: VIM unreachable" },
        {
            new ExecutionRetryRequested(Request, "operator", "Otto Operator", At) { Attempt = 2, Reason = "The VIM is back." },
            "Asked to run the failed execution again (attempt 2): The VIM is back."
        },
        { new ExecutionRetryRequested(Request, "operator", "Otto Operator", At), "Asked to run the failed execution again." },
        { new RequestApproved(Request, "digest", "security", At), "All required approvals are in (the last from security); execution starts by itself." },
    };

    [Theory]
    [MemberData(nameof(Described))]
    public void Of_RequestEvent_IsTheSentenceTheJournalAndTheHistoryBothShow(object data, string sentence)
    {
        RequestDescriptions.Of(data).ShouldBe(sentence);

        RequestJournal.Entry(3, data, At).Summary.ShouldBe(sentence);
        HistoryMapper.Map(new StoredEvent(1, At, Request, 3, data), new HistorySubjectBook()).Summary.ShouldBe(sentence);
    }

    [Fact]
    public void Of_AnEventEachViewWordsItsOwnWay_IsNull() =>
        RequestDescriptions.Of(new ApprovalGranted(Request, "approver", "Ann Approver", "NOC approvers", "digest", null, At)).ShouldBeNull();
}
