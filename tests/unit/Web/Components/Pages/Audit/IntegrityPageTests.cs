using System.Security.Claims;
using Bunit;
using Console.Web.Components.Pages.Audit;
using Console.Web.Components.Shared;
using Console.Web.Security;
using Console.Workflows.Audit.Integrity;
using Console.Workflows.Audit.Integrity.Acknowledging;
using Console.Workflows.Audit.Integrity.Verifying;
using Console.Workflows.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor.Services;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Audit;

/// <summary>The integrity page and the alert banner against a scripted integrity service.</summary>
public sealed class IntegrityPageTests : BunitContext
{
    private static readonly DateTimeOffset At = new(2026, 11, 27, 9, 30, 0, TimeSpan.Zero);

    private static readonly IntegrityBreak Changed = new(IntegrityBreakKind.DataChanged, 118, 120, Guid.NewGuid(), Guid.NewGuid(), 3,
        "approval_granted", null, "Event … at seq 120 no longer hashes to chain entry 118.");

    private readonly ScriptedIntegrity _integrity = new();

    public IntegrityPageTests()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IIntegrityService>(_integrity);
        Services.AddSingleton<IConsoleCommandBus>(_integrity);
        Services.AddSingleton(new IntegrityNotifications(NullLogger<IntegrityNotifications>.Instance));
        Services.AddScoped<CurrentActor>();
        RenderTree.Add<Console.UnitTests.Web.MudProviders>();
        DefaultWaitTimeout = TimeSpan.FromSeconds(5);
    }

    [Fact]
    public void Banner_NoOpenAlert_ShowsNothing()
    {
        SignInAs("security", Roles.SecurityOfficer);

        var cut = Render<IntegrityAlert>();

        cut.FindAll("[data-testid=integrity-alert]").ShouldBeEmpty();
    }

    [Fact]
    public async Task Banner_OpenAlert_NamesTheBreak_AndAcknowledgeSendsTheRunAndVersion()
    {
        SignInAs("security", Roles.SecurityOfficer);
        var failed = Failed();
        _integrity.Status = IntegrityStatus.Create(failed) with { Version = 4 };

        var cut = Render<IntegrityAlert>();

        cut.Find("[data-testid=integrity-alert-where]").TextContent.ShouldBe("seq 120, chain position 118, stream " + Changed.StreamId + ", version 3, type approval_granted");
        cut.Find("[data-testid=integrity-alert]").TextContent.ShouldContain("Event changed");
        _integrity.Status = _integrity.Status.Apply(new IntegrityAlertAcknowledged(failed.RunId, "", "security", "Sam", At)) with { Version = 5 };
        await cut.InvokeAsync(() => cut.Find("[data-testid=integrity-alert-acknowledge]").Click());

        var sent = _integrity.Acknowledged.ShouldHaveSingleItem();
        sent.RunId.ShouldBe(failed.RunId);
        sent.ExpectedVersion.ShouldBe(4);
        cut.WaitForAssertion(() => cut.FindAll("[data-testid=integrity-alert]").ShouldBeEmpty());
    }

    [Fact]
    public void Page_ShowsTheHeadTheLastCheckpointAndTheKey()
    {
        SignInAs("auditor", Roles.Auditor);

        var cut = Render<LogIntegrity>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=chain-head]").TextContent.ShouldContain("position 1,500 (seq 1,520)"));
        cut.Find("[data-testid=pending]").TextContent.ShouldBe("2 events");
        cut.Find("[data-testid=last-checkpoint]").TextContent.ShouldContain("#3 at position 1,500");
        cut.Find("[data-testid=key-id]").TextContent.ShouldBe(new string('a', 64));
        cut.Find("[data-testid=download-public-key]").GetAttribute("href").ShouldBe(IntegrityDownloads.PublicKeyPath);
        cut.Find("[data-testid=export-proof]").GetAttribute("href").ShouldBe(IntegrityDownloads.ProofPath);
    }

    [Fact]
    public async Task VerifyNow_BrokenLog_ShowsTheFirstBreakPrecisely()
    {
        SignInAs("auditor", Roles.Auditor);
        _integrity.NextReport = Report(Changed);
        var cut = Render<LogIntegrity>();
        cut.WaitForElement("[data-testid=verify-now]");

        await cut.InvokeAsync(() => cut.Find("[data-testid=verify-now]").Click());

        cut.WaitForAssertion(() => cut.Find("[data-testid=verify-result]").GetAttribute("data-intact").ShouldBe("false"));
        cut.Find("[data-testid=first-break-where]").TextContent.ShouldContain("seq 120, chain position 118");
        cut.Find("[data-testid=first-break-detail]").TextContent.ShouldBe(Changed.Detail);
        _integrity.VerifiedBy.ShouldHaveSingleItem().UserId.ShouldBe("auditor");
    }

    [Fact]
    public async Task VerifyNow_Refused_ShowsWhy()
    {
        SignInAs("auditor", Roles.Auditor);
        _integrity.NextRefusal = Refusal.Because("A verification is already running; its result will show here when it ends.", RefusalKind.Conflict);
        var cut = Render<LogIntegrity>();
        cut.WaitForElement("[data-testid=verify-now]");

        await cut.InvokeAsync(() => cut.Find("[data-testid=verify-now]").Click());

        cut.WaitForAssertion(() => cut.Find("[data-testid=refusal]").ShouldNotBeNull());
        cut.FindAll("[data-testid=verify-result]").ShouldBeEmpty();
    }

    [Fact]
    public void Page_OpenAlert_OnlyASecurityOfficerIsOfferedToAcknowledge()
    {
        _integrity.Status = IntegrityStatus.Create(Failed()) with { Version = 1 };
        SignInAs("auditor", Roles.Auditor);

        var cut = Render<LogIntegrity>();

        cut.WaitForAssertion(() => cut.Find("[data-testid=open-alert]").TextContent.ShouldContain("seq 120"));
        cut.FindAll("[data-testid=acknowledge]").ShouldBeEmpty();
    }

    private void SignInAs(string userId, params string[] roles)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(userId);
        auth.SetRoles(roles);
        auth.SetPolicies([.. Policies.RolesFor.Where(p => p.Value.Intersect(roles).Any()).Select(p => p.Key)]);
        auth.SetClaims(new Claim("sub", userId));
    }

    private static IntegrityVerificationFailed Failed() =>
        new(Guid.NewGuid(), VerificationTrigger.Scheduled, Changed, 1, 1500, 1500, 3, 1.2, "system:audit-schedule", "Console workflow", At);

    private static VerificationReport Report(params IntegrityBreak[] breaks) =>
        new(At, TimeSpan.FromSeconds(1), 1500, 1500, 1520, 2, 3, 3, breaks.Length, breaks);

    /// <summary>The integrity capability as the pages see it: its reads, and the bus carrying its one command.</summary>
    private sealed class ScriptedIntegrity : IIntegrityService, IConsoleCommandBus
    {
        public IntegrityStatus Status { get; set; } = IntegrityStatus.Empty;

        public VerificationReport? NextReport { get; set; }

        public Refusal? NextRefusal { get; set; }

        public List<AcknowledgeIntegrityAlert> Acknowledged { get; } = [];

        public List<Actor> VerifiedBy { get; } = [];

        public Task<IntegrityOverview> OverviewAsync(CancellationToken ct = default) => Task.FromResult(new IntegrityOverview(
            1500, 1520, At, 2, new CheckpointInfo(3, 1500, 1520, At, new string('a', 64)), 3, new string('a', 64),
            "-----BEGIN PUBLIC KEY-----\nMFk...\n-----END PUBLIC KEY-----", null, false, Status));

        public Task<IntegrityStatus> StatusAsync(CancellationToken ct = default) => Task.FromResult(Status);

        public Task<VerificationOutcome> VerifyAsync(Actor actor, IProgress<VerificationProgress>? progress = null, CancellationToken ct = default)
        {
            VerifiedBy.Add(actor);
            progress?.Report(new VerificationProgress(760, 1520));
            return Task.FromResult(new VerificationOutcome(NextRefusal is null ? NextReport ?? Report() : null, NextRefusal));
        }

        public Task<Outcome> IssueAsync(IConsoleCommand command, Actor actor, CancellationToken ct = default)
        {
            Acknowledged.Add(command.ShouldBeOfType<AcknowledgeIntegrityAlert>());
            return Task.FromResult(Outcome.Done(IntegrityStatus.StreamId));
        }

        public Task<CheckpointOutcome> CheckpointNowAsync(Actor actor, CancellationToken ct = default) =>
            Task.FromResult(new CheckpointOutcome(4, null));

        public Task<ProofOutcome> ExportProofAsync(long? checkpointNumber, string directory, Actor actor, CancellationToken ct = default) =>
            Task.FromResult(new ProofOutcome(null, Refusal.Because("not in this test")));
    }
}
