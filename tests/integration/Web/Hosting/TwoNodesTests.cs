using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Web.Hosting;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Marten;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Web.Hosting;

/// <summary>Two console nodes on one database: what one node commits or issues, the other shows or accepts.</summary>
public sealed class TwoNodesTests(ConsoleCluster cluster) : IClassFixture<ConsoleCluster>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<Outcome> IssueAsync(WebApplicationFactory<Program> node, IConsoleCommand command, Actor actor)
    {
        await using var scope = node.Services.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<IConsoleCommandBus>().IssueAsync(command, actor);
    }

    private static async Task<RequestDetails> ReadAsync(WebApplicationFactory<Program> node, Guid id)
    {
        await using var scope = node.Services.CreateAsyncScope();
        return (await scope.ServiceProvider.GetRequiredService<IRequestReader>().GetAsync(id)).ShouldNotBeNull();
    }

    [Fact]
    public async Task TwoNodes_LiveUpdate_ApprovalOnNodeA_ReachesTheRequestPagesSubscriberOnNodeB_WithinTwoSeconds()
    {
        var s = await RuntimeScenario.CreateAsync(cluster.A.Services.GetRequiredService<IDocumentStore>());
        var heardOnB = new List<(Guid Id, long At)>();
        var changed = new SemaphoreSlim(0);
        void OnChanged(Guid id)
        {
            lock (heardOnB)
                heardOnB.Add((id, Stopwatch.GetTimestamp()));
            changed.Release();
        }

        var notificationsOnB = cluster.B.Services.GetRequiredService<IRequestNotifications>();
        notificationsOnB.RequestChanged += OnChanged;
        try
        {
            var submitted = await IssueAsync(cluster.A, s.Snapshot(s.N2), s.Operator);
            submitted.Succeeded.ShouldBeTrue(submitted.Refusal?.Message);
            // B hears of the submission: its listening connection is up (it connects as the node starts).
            await Eventually.Until(() => Task.FromResult(Heard(submitted.Id)), n => n > 0, "node B to hear of the submission",
                TimeSpan.FromSeconds(20));
            var request = (await ReadAsync(cluster.A, submitted.Id)).Request;
            var before = Heard(submitted.Id);

            var approving = Stopwatch.GetTimestamp();
            var approved = await IssueAsync(cluster.A,
                new ApproveRequest(submitted.Id, request.Version, request.ContentDigest, "Fine."), RuntimeScenario.Approver(1).SignedInNow());
            approved.Succeeded.ShouldBeTrue(approved.Refusal?.Message);
            var deadline = TimeSpan.FromSeconds(2);
            while (Heard(submitted.Id) == before && Stopwatch.GetElapsedTime(approving) < deadline)
                await changed.WaitAsync(TimeSpan.FromMilliseconds(50), Ct);

            Heard(submitted.Id).ShouldBeGreaterThan(before, "node B heard nothing of the approval on node A within 2 s");
            // What the page on B then reads: the approval, from the shared database.
            (await ReadAsync(cluster.B, submitted.Id)).Journal.ShouldContain(j => j.EventType == nameof(ApprovalGranted));
        }
        finally
        {
            notificationsOnB.RequestChanged -= OnChanged;
        }

        int Heard(Guid id)
        {
            lock (heardOnB)
                return heardOnB.Count(h => h.Id == id);
        }
    }

    [Fact]
    public async Task TwoNodes_SignIn_AntiforgeryTokenCookieCodeAndAccessToken_IssuedByOneNode_AreAcceptedByTheOther()
    {
        var jar = new CookieContainer();
        using var a = cluster.A.CreateDefaultClient(new Uri(ConsoleWebApp.Origin), new CookieContainerHandler(jar));
        using var b = cluster.B.CreateDefaultClient(new Uri(ConsoleWebApp.Origin), new CookieContainerHandler(jar));
        var (verifier, challenge) = SignInFlow.Pkce();
        var authorize = SignInFlow.AuthorizeUrl(challenge, "S256");

        // The sign-in form (and its antiforgery token and cookie) from A, posted to B.
        using var page = await a.GetAsync("/account/login?ReturnUrl=" + Uri.EscapeDataString(authorize), Ct);
        var fields = SignInFlow.HiddenFields(await page.Content.ReadAsStringAsync(Ct));
        fields["Input.UserName"] = "auditor";
        fields["Input.Password"] = "Auditor!2026";
        using var login = await b.PostAsync("/account/login", new FormUrlEncodedContent(fields), Ct);
        login.StatusCode.ShouldBe(HttpStatusCode.Redirect, SignInFlow.LoginError(await login.Content.ReadAsStringAsync(Ct)));

        // B's sign-in cookie read by A; A's authorization code redeemed at B; B's access token accepted by A's API.
        using var authorized = await a.GetAsync(authorize, Ct);
        authorized.StatusCode.ShouldBe(HttpStatusCode.Redirect);
        authorized.Headers.Location!.ToString().ShouldStartWith(SignInFlow.CliRedirectUri);
        var token = await SignInFlow.RedeemAsync(b, SignInFlow.CodeOf(authorized), verifier);
        using var api = new HttpRequestMessage(HttpMethod.Get, "/api/requests");
        api.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var answer = await a.SendAsync(api, Ct);
        answer.StatusCode.ShouldBe(HttpStatusCode.OK);

        // Both nodes publish the same token signing keys.
        using var keysOnA = await a.GetAsync("/.well-known/jwks", Ct);
        using var keysOnB = await b.GetAsync("/.well-known/jwks", Ct);
        (await keysOnB.Content.ReadAsStringAsync(Ct)).ShouldBe(await keysOnA.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task TwoNodes_KeyRing_LivesInTheDatabaseEncrypted_AndAKeyTheNodesDidNotSignIsIgnored()
    {
        var repository = cluster.A.Services.GetRequiredService<IOptions<KeyManagementOptions>>().Value.XmlRepository.ShouldNotBeNull();
        // Protecting something makes sure the ring has a key; the other node reads it.
        var protectedOnA = cluster.A.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("two-nodes-test").Protect("x");
        cluster.B.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector("two-nodes-test").Unprotect(protectedOnA).ShouldBe("x");
        var store = cluster.A.Services.GetRequiredService<IDocumentStore>();
        await using (var query = store.QuerySession())
        {
            var entries = await query.Query<KeyRingEntry>().ToListAsync(Ct);
            entries.ShouldNotBeEmpty();
            entries.ShouldAllBe(e => e.Xml.Contains("EncryptedData", StringComparison.Ordinal));
        }

        var genuine = repository.GetAllElements().Count;
        genuine.ShouldBeGreaterThan(0);

        // A database owner plants a key of their own (the XML of a real one under another id, and no valid signature).
        await using (var session = store.LightweightSession())
        {
            var real = await session.Query<KeyRingEntry>().FirstAsync(Ct);
            var planted = Guid.NewGuid();
            session.Store(new KeyRingEntry("key-" + planted, real.Xml.Replace(real.Id["key-".Length..], planted.ToString(), StringComparison.Ordinal),
                Convert.ToBase64String(new byte[384])));
            await session.SaveChangesAsync(Ct);

            var read = repository.GetAllElements();
            read.Count.ShouldBe(genuine);
            read.ShouldNotContain(e => e.ToString().Contains(planted.ToString(), StringComparison.Ordinal));
        }
    }
}
