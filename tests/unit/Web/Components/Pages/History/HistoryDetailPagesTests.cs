using Bunit;
using Console.Web.Components.Pages.History;
using Console.Workflows.Audit.History;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.History;

/// <summary>The event detail and the request and VNF timelines.</summary>
public sealed class HistoryDetailPagesTests : HistoryPageTest
{
    [Fact]
    public void HistoryEvent_ShowsThePayloadMetadataAndWhatTheHistoryReadIntoIt()
    {
        var vnf = Inventory.Vnfs[0];
        var entry = History.Add("RequestRejected", HistoryCategory.Approval, Now, "Rejected: not during the freeze.", "arjun",
            vnf.Id, vnf.Name, Guid.NewGuid(), [World.Signalling.Id], [World.CoreDc.Id]);
        History.Details[entry.Seq] = new HistoryEventDetail(entry.Seq, entry.StreamId, 4, "request_rejected", Now,
            "{\n  \"Reason\": \"not during the freeze\"\n}", "{\n  \"seq_id\": 1\n}", entry);

        var cut = Render<HistoryEvent>(p => p.Add(x => x.Seq, entry.Seq));

        cut.WaitForAssertion(() => cut.Find("[data-testid=event-type]").TextContent.ShouldBe("RequestRejected"));
        cut.Find("[data-testid=event-summary]").TextContent.ShouldBe("Rejected: not during the freeze.");
        cut.Find("[data-testid=event-payload]").TextContent.ShouldContain("\"Reason\": \"not during the freeze\"");
        cut.Find("[data-testid=event-metadata]").TextContent.ShouldContain("seq_id");
        cut.Find("[data-testid=event-domains]").TextContent.ShouldBe("Signalling");
        cut.Find("[data-testid=event-environments]").TextContent.ShouldBe("Frankfurt Core DC");
        cut.Find("[data-testid=event-vnf]").GetAttribute("href").ShouldBe($"/history/vnfs/{vnf.Id}");
        cut.Find("[data-testid=event-request]").GetAttribute("href").ShouldBe($"/history/requests/{entry.RequestId}");
    }

    [Fact]
    public void HistoryEvent_UnknownSequence_SaysNotFound()
    {
        var cut = Render<HistoryEvent>(p => p.Add(x => x.Seq, 999L));

        cut.WaitForAssertion(() => cut.Find("[data-testid=not-found]").TextContent.ShouldContain("sequence number 999"));
    }

    [Fact]
    public void HistoryEvent_NotYetReadByTheHistory_ShowsTheStoredEventAndSaysSo()
    {
        History.Details[5] = new HistoryEventDetail(5, Guid.NewGuid(), 1, "signed_in", Now, "{}", "{}", null);

        var cut = Render<HistoryEvent>(p => p.Add(x => x.Seq, 5L));

        cut.WaitForAssertion(() => cut.Find("[data-testid=not-yet-in-history]"));
        cut.Find("[data-testid=event-type]").TextContent.ShouldBe("signed_in");
    }

    [Fact]
    public void RequestHistory_ShowsTheRequestsEventsOldestFirstWithLinksToEachDetail()
    {
        var request = Guid.NewGuid();
        var approved = History.Add("ApprovalGranted", HistoryCategory.Approval, Now.AddMinutes(5), "Approved for NOC approvers.", "arjun",
            Inventory.Vnfs[0].Id, "amf-01", request);
        var submitted = History.Add("RequestSubmitted", HistoryCategory.Request, Now, "Requested a snapshot of amf-01.", "olga",
            Inventory.Vnfs[0].Id, "amf-01", request);
        History.Add("SignedIn", HistoryCategory.Access, Now, "Signed in.", "olga");

        var cut = Render<RequestHistory>(p => p.Add(x => x.Id, request));

        cut.WaitForAssertion(() => cut.FindAll("[data-testid=event-link]").Select(a => a.GetAttribute("href"))
            .ShouldBe([$"/history/events/{submitted.Seq}", $"/history/events/{approved.Seq}"]));
        cut.Find("h1").TextContent.ShouldBe("History of a request on amf-01");
        cut.Find("[data-testid=open-request]").GetAttribute("href").ShouldBe($"/requests/{request}");
    }

    [Fact]
    public void VnfHistory_WithoutEvents_SaysSo()
    {
        var cut = Render<VnfHistory>(p => p.Add(x => x.Id, Guid.NewGuid()));

        cut.WaitForAssertion(() => cut.Find("[data-testid=empty-state]").TextContent.ShouldContain("no event about this VNF"));
    }

    [Fact]
    public void VnfHistory_WithMoreEventsThanATimelineHolds_ShowsTheNewestAndLinksToTheRest()
    {
        var vnf = Inventory.Vnfs[0];
        for (var i = 0; i <= HistoryLimits.TimelineMaxEntries; i++)
            History.Add("EnvironmentAttestationRecorded", HistoryCategory.Inventory, Now.AddMinutes(i), $"Attested {i}.", "system:attestation", vnf.Id, vnf.Name);

        var cut = Render<VnfHistory>(p => p.Add(x => x.Id, vnf.Id));

        cut.WaitForAssertion(() => cut.Find("[data-testid=timeline-truncated]").InnerHtml.ShouldContain($"/history?vnf={vnf.Id}"));
        cut.FindAll("[data-testid=summary]").Count.ShouldBe(HistoryLimits.TimelineMaxEntries);
        cut.FindAll("[data-testid=summary]")[0].TextContent.ShouldBe("Attested 1.", "the oldest shown is the second: the first was left out");
    }
}
