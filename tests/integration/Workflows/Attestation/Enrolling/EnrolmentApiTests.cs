using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Console.IntegrationTests.Workflows.Common;
using Console.Workflows.Attestation.Enrolling;
using Console.Workflows.Common;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Attestation.Enrolling;

/// <summary>
/// The enrolment API answers bad input with 400 and the message of each field (the same check as the page and the
/// decider), and stores nothing; a good proposal by a security officer is accepted with the version it was given.
/// </summary>
public sealed class EnrolmentApiTests(RoleMatrixHost host) : IClassFixture<RoleMatrixHost>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Enrolment_NeedsApproval_BadPemBadPcrAndShortDigestOverTheApi_Are400WithTheirMessages_AndNothingChanges()
    {
        var environment = host.World.PartnerDc;
        var before = await host.VersionOf(environment);
        var good = RoleMatrixHost.Proposal(environment, before);

        using var response = await SendAsync(environment, new
        {
            akPublicKeyPem = "-----BEGIN PUBLIC KEY-----\nnot base64!\n-----END PUBLIC KEY-----",
            ekPem = good.EkPem,
            referenceValues = new[] { new { pcr = "24", digest = new string('a', 64) }, new { pcr = "7", digest = new string('b', 63) } },
            reason = "From the vendor.",
            expectedVersion = before,
        });

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        var errors = problem.RootElement.GetProperty("errors");
        errors.GetProperty("akPublicKeyPem")[0].GetString().ShouldBe(
            "Paste the attestation key as PEM (-----BEGIN PUBLIC KEY-----, e.g. from tpm2_createak -f pem).");
        errors.GetProperty("referenceValues").EnumerateArray().Select(e => e.GetString()).ShouldBe([
            "PCR 24 does not exist: a TPM 2.0 has PCRs 0 to 23.",
            "The digest of sha256:7 must be 64 hexadecimal digits (SHA-256); it has 63 character(s).",
        ]);
        (await host.VersionOf(environment)).ShouldBe(before);
    }

    [Fact]
    public async Task Enrolment_NeedsApproval_AGoodProposalOverTheApi_IsAcceptedAndStaysPending()
    {
        var environment = host.World.DcA;
        var before = await host.VersionOf(environment);
        var good = RoleMatrixHost.Proposal(environment, before);

        using var response = await SendAsync(environment, new
        {
            akPublicKeyPem = good.AkPublicKeyPem, ekPem = good.EkPem, referenceValues = good.ReferenceValues, reason = good.Reason,
            expectedVersion = before,
        });

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
        (await host.VersionOf(environment)).ShouldBe(before + 1);
        var record = (await host.With<IEnrolmentReader, EnrolmentRecord?>(r => r.GetAsync(environment, Ct))).ShouldNotBeNull();
        record.Subject.ShouldNotBeNull().PendingEnrolment.ShouldNotBeNull().ProposedBy.ShouldBe("api-officer");
        record.Subject.Registration.ShouldBeNull();
    }

    private Task<HttpResponseMessage> SendAsync(Guid environment, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/inventory/environments/{environment}/enrolment") { Content = JsonContent.Create(body) };
        request.Headers.Add(RoleMatrixHost.UserHeader, "api-officer");
        request.Headers.Add(RoleMatrixHost.RolesHeader, Roles.SecurityOfficer);
        return host.Http.SendAsync(request, Ct);
    }
}
