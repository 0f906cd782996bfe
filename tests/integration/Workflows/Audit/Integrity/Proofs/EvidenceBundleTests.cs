using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Snapshots;
using Console.Testing;
using Console.Testing.Workflows.Common;
using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Audit.Integrity.Checkpoints;
using Console.Workflows.Audit.Integrity.Proofs;
using Console.Workflows.Common;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Audit.Integrity.Proofs;

/// <summary>
/// One finished operation's evidence in one file, on a running host with its chain writer: a Sensitive snapshot taken
/// through the real workflow (two approvals, fresh attestation, signed manifest) gives a bundle of its request's,
/// attestation's and snapshot's events, with how each approver authenticated, that the offline checker accepts with
/// nothing but the public key, and refuses once a byte of it changes.
/// </summary>
public sealed class EvidenceBundleTests(ChainingHostFixture fixture) : IClassFixture<ChainingHostFixture>
{
    private static readonly Actor Officer = new("security", "Sam Security", new HashSet<string> { Roles.SecurityOfficer });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private WorkflowHost Host => fixture.Host;

    private IEvidenceBundles Bundles => Host.Services.GetRequiredService<IEvidenceBundles>();

    [Fact]
    public async Task EvidenceBundle_SensitiveSnapshot_HoldsEveryPart_VerifiedOffline_AndATamperedCopyRefused()
    {
        var s = await SnapshotScenario.CreateAsync(Host);
        var snapshot = await s.TakeSensitiveSnapshotAsync();

        // The chain writer runs a moment behind the commits: until it has chained them the bundle is refused, clearly.
        var outcome = await Eventually.Until(() => Bundles.BuildAsync(snapshot.RequestId, Officer, Ct), o => o.Bundle is not null,
            "the request's events to be chained", TimeSpan.FromSeconds(30));
        var bundle = outcome.Bundle!;

        bundle.Items.Select(i => i.Part).Distinct().Order().ShouldBe(["attestation", "request", "snapshot"]);
        var types = bundle.Items.Select(i => i.Event.Type).ToList();
        types.Count(t => t == "approval_granted").ShouldBe(2);
        types.ShouldContain("request_submitted");
        types.ShouldContain("evidence_verified");
        types.ShouldContain("snapshot_protected");
        types.ShouldContain("execution_completed");
        bundle.Items.Select(i => i.Event.Seq).ShouldBeInOrder();
        bundle.Items.ShouldAllBe(i => i.LeafIndex < bundle.TreeHead.TreeSize);
        // Each approval says who, when and how the approver authenticated (Sensitive work needs a fresh authentication).
        bundle.Decisions.Select(d => (d.Decision, d.PersonId)).ShouldBe(
            [(EvidenceDecision.Approved, SnapshotScenario.Approver(1).UserId), (EvidenceDecision.Approved, SnapshotScenario.Approver(2).UserId)]);
        bundle.Decisions.ShouldAllBe(d => d.AuthenticationMethod == StepUpMethods.FreshSignIn && d.AuthenticatedAt != null && d.At != null);

        var folder = Directory.CreateTempSubdirectory("vnf-console-evidence-").FullName;
        try
        {
            var key = Path.Combine(folder, "operator-key.pem");
            await File.WriteAllTextAsync(key, Host.Services.GetRequiredService<CheckpointKeyring>().Get().PublicKeyPem + "\n", Ct);
            var file = Path.Combine(folder, "bundle.json");
            var json = JsonSerializer.Serialize(bundle);
            await File.WriteAllTextAsync(file, json, Ct);

            var (code, output) = await CheckOfflineAsync(file, key);
            code.ShouldBe(0, output);
            output.ShouldContain($"OK: the {bundle.Items.Count} events of request {snapshot.RequestId:D}");
            output.ShouldContain($"approved seq {bundle.Decisions[0].Seq,8}  by {SnapshotScenario.Approver(1).UserId}");
            output.ShouldContain($"authenticated: fresh sign-in at {bundle.Decisions[0].AuthenticatedAt}");

            // Someone rewrites how an approver authenticated in the readable list: the signed event says otherwise.
            var relabelled = JsonNode.Parse(json)!;
            relabelled["decisions"]![0]!["authentication_method"] = StepUpMethods.Totp;
            await File.WriteAllTextAsync(file, relabelled.ToJsonString(), Ct);
            (code, output) = await CheckOfflineAsync(file, key);
            code.ShouldBe(1, output);
            output.ShouldContain("BROKEN: the bundle's list of decisions does not match its signed approval and rejection events");

            // Someone edits who approved in the downloaded copy.
            var tampered = JsonNode.Parse(json)!;
            var approval = tampered["items"]!.AsArray().First(i => (string?)i!["event"]!["type"] == "approval_granted")!;
            approval["event"]!["data"] = ((string)approval["event"]!["data"]!).Replace(SnapshotScenario.Approver(1).UserId, "someone-else", StringComparison.Ordinal);
            await File.WriteAllTextAsync(file, tampered.ToJsonString(), Ct);

            (code, output) = await CheckOfflineAsync(file, key);
            code.ShouldBe(1, output);
            output.ShouldContain("BROKEN");
            output.ShouldContain("the event was altered");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task EvidenceBundle_RefusesOtherRoles_AnUnknownRequest_AndOneNotFinished()
    {
        var s = await SnapshotScenario.CreateAsync(Host);
        var pending = await s.SubmitSensitiveSnapshotAsync();

        (await Bundles.BuildAsync(pending, s.Operator, Ct)).Refusal.ShouldBeRefusalContaining(RefusalKind.Forbidden, "export audit proofs");
        (await Bundles.BuildAsync(Guid.NewGuid(), Officer, Ct)).Refusal.ShouldBeRefusal(RefusalKind.NotFound, "There is no such request.");
        (await Bundles.BuildAsync(pending, Officer, Ct)).Refusal.ShouldBeRefusalContaining(RefusalKind.Conflict, "once it has finished");
    }

    private static async Task<(int ExitCode, string Output)> CheckOfflineAsync(string bundle, string key)
    {
        var script = Path.Combine(TestRepository.Root, "infra", "audit", "verify-proof.py");
        using var process = Process.Start(new ProcessStartInfo("python3", [script, "--evidence", bundle, "--public-key", key])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var output = await process.StandardOutput.ReadToEndAsync(Ct);
        var errors = await process.StandardError.ReadToEndAsync(Ct);
        await process.WaitForExitAsync(Ct);
        return (process.ExitCode, output + errors);
    }
}
