using System.Text.Json;
using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Audit.Integrity.Proofs;
using Console.Workflows.Requests;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Audit.Integrity.Proofs;

/// <summary>The evidence bundle's list of decisions reads who decided and how they authenticated from the signed events.</summary>
public sealed class EvidenceDecisionTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 9, 30, 15, TimeSpan.Zero);
    private static readonly Guid RequestId = Guid.NewGuid();

    [Fact]
    public void Of_ApprovalsWithStepUp_CarryMethodAndTimeVerbatim_OtherEventsLeftOut()
    {
        var items = new[]
        {
            Item(EvidenceBundles.RequestPart, 10, "request_submitted", new { RequestId }),
            Item(EvidenceBundles.RequestPart, 11, "approval_granted",
                new ApprovalGranted(RequestId, "approver", "Arjun Approver", "NOC approvers", "digest", null, Now)
                {
                    AuthenticationMethod = StepUpMethods.Totp,
                    AuthenticatedAt = Now.AddSeconds(-2),
                }),
            Item(EvidenceBundles.RequestPart, 12, "approval_granted",
                new ApprovalGranted(RequestId, "approver2", "Beatriz Approver", "NOC approvers", "digest", "Fine.", Now.AddMinutes(1))
                {
                    AuthenticationMethod = StepUpMethods.None,
                }),
            Item("snapshot", 13, "snapshot_protected", new { RequestId }),
        };

        var decisions = EvidenceDecision.Of(items);

        decisions.Count.ShouldBe(2);
        decisions[0].ShouldBe(new EvidenceDecision(11, EvidenceDecision.Approved, "approver", "Arjun Approver", "NOC approvers",
            Stored(Now), StepUpMethods.Totp, Stored(Now.AddSeconds(-2))));
        decisions[1].ShouldBe(new EvidenceDecision(12, EvidenceDecision.Approved, "approver2", "Beatriz Approver", "NOC approvers",
            Stored(Now.AddMinutes(1)), StepUpMethods.None, null));
    }

    [Fact]
    public void Of_ARejectionAndAnApprovalOlderThanStepUp_SayWhatTheEventsHold()
    {
        var items = new[]
        {
            Item(EvidenceBundles.RequestPart, 20, "approval_granted",
                new ApprovalGranted(RequestId, "approver", "Arjun Approver", "NOC approvers", "digest", null, Now)),
            Item(EvidenceBundles.RequestPart, 21, "request_rejected",
                new RequestRejected(RequestId, "security", "Samir Security", "Wrong window.", Now.AddMinutes(2))
                {
                    AuthenticationMethod = StepUpMethods.RecoveryCode,
                    AuthenticatedAt = Now.AddMinutes(2),
                }),
        };

        var decisions = EvidenceDecision.Of(items);

        decisions[0].AuthenticationMethod.ShouldBeNull();
        decisions[0].AuthenticatedAt.ShouldBeNull();
        decisions[1].ShouldBe(new EvidenceDecision(21, EvidenceDecision.Rejected, "security", "Samir Security", null,
            Stored(Now.AddMinutes(2)), StepUpMethods.RecoveryCode, Stored(Now.AddMinutes(2))));
    }

    private static EvidenceItem Item(string part, long seq, string type, object data) =>
        new(part, seq - 1, new ProvenEvent(seq, Guid.NewGuid(), RequestId, seq, type, 0, "*DEFAULT*", null, JsonSerializer.Serialize(data, data.GetType())),
            "00", []);

    private static string Stored(DateTimeOffset at) => JsonSerializer.Serialize(at).Trim('"');
}
