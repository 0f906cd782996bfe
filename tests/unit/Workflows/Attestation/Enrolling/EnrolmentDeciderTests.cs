using System.Security.Cryptography;
using Console.Workflows.Attestation;
using Console.Workflows.Attestation.Enrolling;
using Console.Workflows.Common;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Workflows.Attestation.Enrolling;

/// <summary>
/// Enrolment without trust on first use, on the pure deciders and the gate in front of the evidence verifier: a
/// proposal trusts nothing, only a security officer who did not propose it approves, rejected and revoked keys are
/// refused with their reasons, and bad input is refused field by field.
/// </summary>
public sealed class EnrolmentDeciderTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);
    private static readonly Guid Environment = Guid.NewGuid();
    private static readonly Actor Admin = new("adam", "Adam Admin", new HashSet<string> { Roles.Administrator });
    private static readonly Actor Samir = new("samir", "Samir Security", new HashSet<string> { Roles.SecurityOfficer });
    private static readonly Actor Sofia = new("sofia", "Sofia Security", new HashSet<string> { Roles.SecurityOfficer });

    private static readonly string Digest0 = Convert.ToHexStringLower(SHA256.HashData("firmware"u8));
    private static readonly string Digest7 = Convert.ToHexStringLower(SHA256.HashData("secure-boot"u8));

    private static (ProposeEnrolment Command, string KeyId) Proposal(int expectedVersion = 3)
    {
        using var ak = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var ek = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return (new ProposeEnrolment(Environment, expectedVersion, ak.ExportSubjectPublicKeyInfoPem(), ek.ExportSubjectPublicKeyInfoPem(),
            [new ReferenceValueInput("0", Digest0), new ReferenceValueInput("sha256:7", Digest7.ToUpperInvariant())], "Golden values from the vendor."),
            EvidenceVerifier.KeyIdOf(ak.ExportSubjectPublicKeyInfo()));
    }

    /// <summary>Proposed by <paramref name="by"/> on an environment whose stream is at version 3.</summary>
    private static (AttestationSubject State, EnrolmentProposed Proposed) Proposed(Actor by, ProposeEnrolment? command = null)
    {
        var decision = ProposeEnrolmentDecider.Decide(command ?? Proposal().Command, null, true, 3, Guid.NewGuid(), by, Now);
        decision.Refusal.ShouldBeNull(decision.Refusal?.Message);
        var proposed = decision.Events.OfType<EnrolmentProposed>().ShouldHaveSingleItem();
        return (AttestationSubject.Create(proposed), proposed);
    }

    private static AttestationSubject Approved(out EnrolmentProposed proposed)
    {
        (var state, proposed) = Proposed(Admin);
        var approved = DecideEnrolmentDecider.Approve(new ApproveEnrolment(Environment, proposed.EnrolmentId, 4), state, true, 4, Samir, Now);
        return state.Apply(approved.Events.OfType<EnrolmentApproved>().ShouldHaveSingleItem());
    }

    [Fact]
    public void Enrolment_NeedsApproval_AProposalTrustsNothing_TheKeyIsUnknownUntilApproved()
    {
        var (state, proposed) = Proposed(Admin);

        proposed.ShouldSatisfyAllConditions(
            p => p.ProposedBy.ShouldBe("adam"),
            p => p.ProposedAt.ShouldBe(Now),
            p => p.ReferenceValues.ShouldBe([new Measurement("sha256:0", Digest0), new Measurement("sha256:7", Digest7)]),
            p => p.EndorsementIsCertificate.ShouldBeFalse());
        state.Registration.ShouldBeNull();
        var verdict = EnrolmentGate.Judge(AttestedSubjectKind.Environment, Environment, state, proposed.KeyId).ShouldNotBeNull();
        verdict.Refusal.ShouldBe(EvidenceRefusal.UnknownKey);
        verdict.Detail.ShouldBe(
            $"The quote is signed by attestation key {proposed.KeyId}, proposed for enrolment by adam at {Now:u} and not approved yet; a security officer other than the proposer must approve it.");
    }

    [Fact]
    public void Enrolment_NeedsApproval_NoEnrolmentAtAll_TheEnvironmentIsNotRegistered_ButInstancesPassTheGate()
    {
        var verdict = EnrolmentGate.Judge(AttestedSubjectKind.Environment, Environment, null, "ak-any").ShouldNotBeNull();

        verdict.Refusal.ShouldBe(EvidenceRefusal.NotRegistered);
        verdict.Detail.ShouldContain("has no approved enrolment");
        EnrolmentGate.Judge(AttestedSubjectKind.VnfInstance, Environment, null, "ak-any").ShouldBeNull();
    }

    [Fact]
    public void Enrolment_NeedsApproval_ApprovalByTheProposer_IsRefused()
    {
        var (state, proposed) = Proposed(Samir);

        var decision = DecideEnrolmentDecider.Approve(new ApproveEnrolment(Environment, proposed.EnrolmentId, 4), state, true, 4, Samir, Now);

        var refusal = decision.Refusal.ShouldNotBeNull();
        refusal.Kind.ShouldBe(RefusalKind.Forbidden);
        refusal.Message.ShouldBe("You proposed this enrolment; another security officer must approve it (four eyes on every trust anchor).");
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void Enrolment_NeedsApproval_ApprovalByAnotherSecurityOfficer_RegistersTheKeyAndTheGateLetsItsQuotesThrough()
    {
        var state = Approved(out var proposed);

        state.Enrolment.ShouldNotBeNull().ShouldSatisfyAllConditions(e => e.ApprovedBy.ShouldBe("samir"), e => e.IsRevoked.ShouldBeFalse());
        state.PendingEnrolment.ShouldBeNull();
        state.Registration.ShouldNotBeNull().ShouldSatisfyAllConditions(
            r => r.KeyId.ShouldBe(proposed.KeyId), r => r.ReferenceValues.ShouldBe(proposed.ReferenceValues));
        EnrolmentGate.Judge(AttestedSubjectKind.Environment, Environment, state, proposed.KeyId).ShouldBeNull();
    }

    [Fact]
    public void Enrolment_NeedsApproval_AnAdministratorCannotApprove()
    {
        var (state, proposed) = Proposed(Samir);

        var refusal = DecideEnrolmentDecider.Approve(new ApproveEnrolment(Environment, proposed.EnrolmentId, 4), state, true, 4, Admin, Now).Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Forbidden);
        refusal.Message.ShouldBe("Only security officers may approve or reject attestation key enrolments.");
    }

    [Fact]
    public void Enrolment_NeedsApproval_RejectedKey_IsRefusedWithTheRejectionReason()
    {
        var (state, proposed) = Proposed(Admin);

        var rejected = DecideEnrolmentDecider.Reject(
            new RejectEnrolment(Environment, proposed.EnrolmentId, 4, "The EK is not on the vendor's list."), state, true, 4, Sofia, Now);
        state = state.Apply(rejected.Events.OfType<EnrolmentRejected>().ShouldHaveSingleItem());

        state.PendingEnrolment.ShouldBeNull();
        var verdict = EnrolmentGate.Judge(AttestedSubjectKind.Environment, Environment, state, proposed.KeyId).ShouldNotBeNull();
        verdict.Refusal.ShouldBe(EvidenceRefusal.UnknownKey);
        verdict.Detail.ShouldBe($"The quote is signed by attestation key {proposed.KeyId}, whose enrolment sofia rejected at {Now:u}: The EK is not on the vendor's list.");
    }

    [Fact]
    public void Enrolment_NeedsApproval_RevokedKey_IsRefusedAsRevoked_AndNeverEnrolledAgain()
    {
        var state = Approved(out var proposed);

        var revoked = RevokeAttestationKeyDecider.Decide(
            new RevokeAttestationKey(Environment, proposed.KeyId, 5, "Host returned to the vendor for repair."), state, true, 5, Sofia, Now);
        state = state.Apply(revoked.Events.OfType<AttestationKeyRevoked>().ShouldHaveSingleItem());

        state.Registration.ShouldBeNull();
        var verdict = EnrolmentGate.Judge(AttestedSubjectKind.Environment, Environment, state, proposed.KeyId).ShouldNotBeNull();
        verdict.Refusal.ShouldBe(EvidenceRefusal.RevokedKey);
        verdict.Detail.ShouldBe($"The quote is signed by attestation key {proposed.KeyId}, revoked by sofia at {Now:u}: Host returned to the vendor for repair.");

        var again = ProposeEnrolmentDecider.Decide(
            new ProposeEnrolment(Environment, 6, ToPem(proposed.PublicKey), ToPem(proposed.Endorsement), [new ReferenceValueInput("0", Digest0)], "Back from repair."),
            state, true, 6, Guid.NewGuid(), Admin, Now);
        again.Refusal.ShouldNotBeNull().FieldErrors[EnrolmentInput.AkField].ShouldHaveSingleItem().ShouldContain("a revoked key is never enrolled again");
    }

    [Fact]
    public void Enrolment_NeedsApproval_RevokingWithoutAReason_IsRefused()
    {
        var state = Approved(out var proposed);

        var refusal = RevokeAttestationKeyDecider.Decide(new RevokeAttestationKey(Environment, proposed.KeyId, 5, " "), state, true, 5, Sofia, Now).Refusal.ShouldNotBeNull();

        refusal.FieldErrors[EnrolmentInput.ReasonField].ShouldBe(["Say why you revoke this key."]);
    }

    [Fact]
    public void Enrolment_NeedsApproval_AStaleVersion_IsAConflict()
    {
        var refusal = ProposeEnrolmentDecider.Decide(Proposal(expectedVersion: 2).Command, null, true, 3, Guid.NewGuid(), Admin, Now).Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Conflict);
        refusal.Message.ShouldBe(EnrolmentGuards.ConflictMessage);
    }

    [Fact]
    public void Enrolment_NeedsApproval_ASecondProposalWhileOneIsPending_IsRefused()
    {
        var (state, _) = Proposed(Admin);

        var refusal = ProposeEnrolmentDecider.Decide(Proposal(4).Command, state, true, 4, Guid.NewGuid(), Samir, Now).Refusal.ShouldNotBeNull();

        refusal.Kind.ShouldBe(RefusalKind.Conflict);
        refusal.Message.ShouldBe($"An enrolment proposed by adam at {Now:u} awaits a security officer's decision; approve or reject it first.");
    }

    public static TheoryData<string, string> BadInputs() => new()
    {
        { "not a pem", EnrolmentInput.AkField },
        { "private", EnrolmentInput.AkField },
        { "rsa", EnrolmentInput.AkField },
        { "ek-garbage", EnrolmentInput.EkField },
        { "pcr-24", EnrolmentInput.ReferenceValuesField },
        { "pcr-word", EnrolmentInput.ReferenceValuesField },
        { "digest-63", EnrolmentInput.ReferenceValuesField },
        { "digest-not-hex", EnrolmentInput.ReferenceValuesField },
        { "no-values", EnrolmentInput.ReferenceValuesField },
        { "no-reason", EnrolmentInput.ReasonField },
    };

    [Theory]
    [MemberData(nameof(BadInputs))]
    public void Enrolment_NeedsApproval_BadInput_IsRefusedOnItsFieldWithAMessage(string bad, string field)
    {
        var (good, _) = Proposal();
        using var rsa = RSA.Create(2048);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var command = bad switch
        {
            "not a pem" => good with { AkPublicKeyPem = "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE" },
            "private" => good with { AkPublicKeyPem = ec.ExportPkcs8PrivateKeyPem() },
            "rsa" => good with { AkPublicKeyPem = rsa.ExportSubjectPublicKeyInfoPem() },
            "ek-garbage" => good with { EkPem = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----" },
            "pcr-24" => good with { ReferenceValues = [new ReferenceValueInput("24", Digest0)] },
            "pcr-word" => good with { ReferenceValues = [new ReferenceValueInput("PCR zero!", Digest0)] },
            "digest-63" => good with { ReferenceValues = [new ReferenceValueInput("0", Digest0[..63])] },
            "digest-not-hex" => good with { ReferenceValues = [new ReferenceValueInput("0", "zz" + Digest0[2..])] },
            "no-values" => good with { ReferenceValues = [] },
            _ => good with { Reason = "" },
        };

        var decision = ProposeEnrolmentDecider.Decide(command, null, true, 3, Guid.NewGuid(), Admin, Now);

        var refusal = decision.Refusal.ShouldNotBeNull();
        refusal.Kind.ShouldBe(RefusalKind.Invalid);
        refusal.FieldErrors.Keys.ShouldBe([field]);
        refusal.FieldErrors[field].ShouldHaveSingleItem().ShouldNotBeNullOrWhiteSpace();
        decision.Events.ShouldBeEmpty();
    }

    [Fact]
    public void Enrolment_NeedsApproval_TheMessagesSayWhatIsWrong()
    {
        EnrolmentInput.Register("24", out var pcr).ShouldBeNull();
        pcr.ShouldBe("PCR 24 does not exist: a TPM 2.0 has PCRs 0 to 23.");
        var (_, refusal) = EnrolmentInput.Check(Proposal().Command.AkPublicKeyPem, Proposal().Command.EkPem, [new ReferenceValueInput("7", Digest7[..63])], "x");
        refusal.ShouldNotBeNull().FieldErrors[EnrolmentInput.ReferenceValuesField].ShouldBe(
            ["The digest of sha256:7 must be 64 hexadecimal digits (SHA-256); it has 63 character(s)."]);
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        EnrolmentInput.Check(ec.ExportPkcs8PrivateKeyPem(), Proposal().Command.EkPem, [new ReferenceValueInput("7", Digest7)], "x")
            .Refusal.ShouldNotBeNull().FieldErrors[EnrolmentInput.AkField].ShouldBe(["The attestation key's PEM is a PRIVATE KEY, not a PUBLIC KEY; paste only the public half."]);
    }

    [Fact]
    public void Enrolment_NeedsApproval_AnEkCertificateIsAccepted()
    {
        using var ek = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=EK", ek, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(Now.AddDays(-1), Now.AddYears(10));
        var (good, _) = Proposal();

        var (_, proposed) = Proposed(Admin, good with { EkPem = certificate.ExportCertificatePem() });

        proposed.EndorsementIsCertificate.ShouldBeTrue();
        proposed.EkKeyId.ShouldBe(EvidenceVerifier.KeyIdOf(ek.ExportSubjectPublicKeyInfo()));
    }

    private static string ToPem(string base64Der) => PemEncoding.WriteString("PUBLIC KEY", Convert.FromBase64String(base64Der));
}
