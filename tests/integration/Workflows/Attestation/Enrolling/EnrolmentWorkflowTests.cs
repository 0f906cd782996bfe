using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Testing.Workflows.Common;
using Console.Workflows.Attestation;
using Console.Workflows.Attestation.Enrolling;
using Console.Workflows.Attestation.Verifying;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Console.Workflows.Requests;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Attestation.Enrolling;

/// <summary>
/// Enrolment through the workflow on PostgreSQL: a person proposes what the platform reports, the quote is still refused,
/// the proposer cannot approve, another security officer's approval makes the next quote pass; a revoked key's quote is
/// refused, recorded, alerted, and a request against the environment fails with the reason; bad input changes nothing.
/// </summary>
public sealed class EnrolmentWorkflowTests(WorkflowFixture fixture) : IClassFixture<WorkflowFixture>
{
    private static readonly Actor Admin = new("adam-admin", "Adam Admin", new HashSet<string> { Roles.Administrator });
    private static readonly Actor Samir = new("samir-security", "Samir Security", new HashSet<string> { Roles.SecurityOfficer });
    private static readonly Actor Sofia = new("sofia-security", "Sofia Security", new HashSet<string> { Roles.SecurityOfficer });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => fixture.Host;

    private IAttestationService Attestation => Host.Services.GetRequiredService<IAttestationService>();

    [Fact]
    public async Task Enrolment_NeedsApproval_ProposedKeyIsRefused_ProposerCannotApprove_AnotherOfficersApprovalMakesTheNextQuotePass()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        await ProposeReportedAsync(s.DcB, Samir);

        var before = await Attestation.VerifyAsync(AttestedSubjectKind.Environment, s.DcB, s.Vnf, Ct);
        before.Refusal.ShouldBe(EvidenceRefusal.UnknownKey);
        before.Detail.ShouldContain("proposed for enrolment by samir-security");
        before.Detail.ShouldContain("not approved yet");
        (await AlertsFor(s.Vnf)).ShouldHaveSingleItem().Reason.ShouldBe(nameof(EvidenceRefusal.UnknownKey));

        var record = await RecordAsync(s.DcB);
        var pending = record.Subject.ShouldNotBeNull().PendingEnrolment.ShouldNotBeNull().EnrolmentId;
        var byProposer = await Issue(c => c.IssueAsync(new ApproveEnrolment(s.DcB, pending, record.Version), Samir));
        byProposer.Refusal.ShouldBeRefusal(
            RefusalKind.Forbidden, "You proposed this enrolment; another security officer must approve it (four eyes on every trust anchor).");
        (await RecordAsync(s.DcB)).Version.ShouldBe(record.Version);

        (await Issue(c => c.IssueAsync(new ApproveEnrolment(s.DcB, pending, record.Version), Sofia)))
            .Refusal.ShouldBeNull();

        var after = await Attestation.VerifyAsync(AttestedSubjectKind.Environment, s.DcB, s.Vnf, Ct);
        after.Accepted.ShouldBeTrue(after.Detail);
        var subject = (await RecordAsync(s.DcB)).Subject.ShouldNotBeNull();
        subject.Enrolment.ShouldNotBeNull().ApprovedBy.ShouldBe("sofia-security");
        subject.LastVerification.ShouldNotBeNull().Accepted.ShouldBeTrue();
    }

    [Fact]
    public async Task Enrolment_NeedsApproval_APendingEnrolment_RefusesARequestAgainstTheEnvironmentWithTheReason()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        await ProposeReportedAsync(s.Edge, Admin);

        var id = await SubmitAsync(new SubmitRequest(RequestKind.Snapshot, s.ProbeVnf, [], null, null, "Probe copy.", null), s.Operator);
        var done = await Eventually.Until(() => Details(id), d => d?.Request.Status is RequestStatus.Failed or RequestStatus.Completed, $"request {id} to finish");

        done!.Request.Status.ShouldBe(RequestStatus.Failed);
        done.Request.Outcome.ShouldNotBeNull().ShouldContain("not approved yet");
    }

    [Fact]
    public async Task Enrolment_NeedsApproval_RevokedKey_IsRefusedRecordedAndAlerted_AndTheRequestFails()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        await ProposeReportedAsync(s.Edge, Admin);
        var record = await RecordAsync(s.Edge);
        (await Issue(c => c.IssueAsync(new ApproveEnrolment(s.Edge, record.Subject!.PendingEnrolment!.EnrolmentId, record.Version), Samir))).Refusal.ShouldBeNull();
        (await Attestation.VerifyAsync(AttestedSubjectKind.Environment, s.Edge, null, Ct)).Accepted.ShouldBeTrue();

        record = await RecordAsync(s.Edge);
        (await Issue(c => c.IssueAsync(new RevokeAttestationKey(s.Edge, record.Subject!.KeyId!, record.Version, "Host compromised in the lab."), Sofia)))
            .Refusal.ShouldBeNull();
        var id = await SubmitAsync(new SubmitRequest(RequestKind.Snapshot, s.ProbeVnf, [], null, null, "Probe copy.", null), s.Operator);
        var done = await Eventually.Until(() => Details(id), d => d?.Request.Status is RequestStatus.Failed or RequestStatus.Completed, $"request {id} to finish");

        done!.Request.Status.ShouldBe(RequestStatus.Failed);
        done.Request.Outcome.ShouldNotBeNull().ShouldContain("Host compromised in the lab.");
        var last = (await RecordAsync(s.Edge)).Subject!.LastVerification.ShouldNotBeNull();
        (last.Accepted, last.Refusal).ShouldBe((false, (EvidenceRefusal?)EvidenceRefusal.RevokedKey));
        (await AlertsFor(s.ProbeVnf)).ShouldHaveSingleItem().Reason.ShouldBe(nameof(EvidenceRefusal.RevokedKey));
    }

    [Fact]
    public async Task Enrolment_NeedsApproval_BadInput_IsRefusedWithAMessage_AndNothingChanges()
    {
        var s = await RuntimeScenario.CreateAsync(Host.Store);
        var draft = (await Host.With<IEnrolmentReader, EnrolmentDraft?>(r => r.ReportedAsync(s.DcA, Ct))).ShouldNotBeNull();
        var before = await RecordAsync(s.DcA);

        var outcome = await Issue(c => c.IssueAsync(new ProposeEnrolment(
            s.DcA, before.Version, "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----", draft.EkPem,
            [new ReferenceValueInput("31", new string('a', 64)), new ReferenceValueInput("7", "abc")], "From the vendor."), Admin));

        var refusal = outcome.Refusal.ShouldNotBeNull();
        refusal.Kind.ShouldBe(RefusalKind.Invalid);
        refusal.FieldErrors[EnrolmentInput.AkField].ShouldHaveSingleItem().ShouldStartWith("Paste the attestation key as PEM");
        refusal.FieldErrors[EnrolmentInput.ReferenceValuesField].ShouldBe([
            "PCR 31 does not exist: a TPM 2.0 has PCRs 0 to 23.",
            "The digest of sha256:7 must be 64 hexadecimal digits (SHA-256); it has 3 character(s).",
        ]);
        var after = await RecordAsync(s.DcA);
        after.Version.ShouldBe(before.Version);
        after.Subject.ShouldBeNull();
    }

    private async Task ProposeReportedAsync(Guid environment, Actor by)
    {
        var draft = (await Host.With<IEnrolmentReader, EnrolmentDraft?>(r => r.ReportedAsync(environment, Ct))).ShouldNotBeNull();
        var record = await RecordAsync(environment);
        var outcome = await Issue(c => c.IssueAsync(
            new ProposeEnrolment(environment, record.Version, draft.AkPublicKeyPem, draft.EkPem, draft.ReferenceValues, "Read from the platform and checked."), by));
        outcome.Refusal.ShouldBeNull(outcome.Refusal?.Message + " " + string.Join(" ", outcome.Refusal?.FieldErrors.SelectMany(f => f.Value) ?? []));
    }

    private Task<Outcome> Issue(Func<IConsoleCommandBus, Task<Outcome>> command) => Host.With<IConsoleCommandBus, Outcome>(command);

    private async Task<EnrolmentRecord> RecordAsync(Guid environment) =>
        (await Host.With<IEnrolmentReader, EnrolmentRecord?>(r => r.GetAsync(environment, Ct))).ShouldNotBeNull();

    private async Task<Guid> SubmitAsync(SubmitRequest request, Actor actor)
    {
        var outcome = await Host.With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(request, actor));
        outcome.Succeeded.ShouldBeTrue(outcome.Refusal?.Message);
        return outcome.Id;
    }

    private Task<RequestDetails?> Details(Guid id) => Host.With<IRequestReader, RequestDetails?>(r => r.GetAsync(id));

    private async Task<IReadOnlyList<SecurityAlertRow>> AlertsFor(Guid vnfId) =>
        (await Host.With<IContinuityReader, SecurityAlertPage>(r => r.AlertsAsync(new SecurityAlertQuery(SecurityAlertKind.EvidenceRefused, vnfId), Ct))).Rows;
}
