using System.Net.Http.Json;
using System.Security.Claims;
using System.Text.Encodings.Web;
using Console.Nfv.Simulator;
using Console.IntegrationTests.Infrastructure;
using Console.IntegrationTests.Workflows.Runtime;
using Console.Web.Api;
using Console.Web.Hosting;
using Console.Web.Security;
using Console.Workflows;
using Console.Workflows.Accounts;
using Console.Workflows.Accounts.Creating;
using Console.Workflows.Accounts.EnrollingSecondFactor;
using Console.Workflows.Accounts.ResettingSecondFactor;
using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Attestation;
using Console.Workflows.Attestation.Enrolling;
using Console.Workflows.Audit.Integrity;
using Console.Workflows.Audit.Integrity.Acknowledging;
using Console.Workflows.Common;
using Console.Workflows.Guards;
using Console.Workflows.Guards.Submitting;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.ChangingEnvironment;
using Console.Workflows.Inventory.ChangingTrustDomain;
using Console.Workflows.Inventory.ChangingVnf;
using Console.Workflows.Inventory.RegisteringEnvironment;
using Console.Workflows.Inventory.RegisteringTrustDomain;
using Console.Workflows.Inventory.RegisteringVnf;
using Console.Workflows.Alerts;
using Console.Workflows.Alerts.Handling;
using Console.Workflows.Notifications;
using Console.Workflows.Notifications.ChoosingChannels;
using Console.Workflows.Policy;
using Console.Workflows.Requests;
using Console.Workflows.Snapshots;
using Console.Workflows.Snapshots.Holding;
using Console.Workflows.Snapshots.MarkingNotNeeded;
using Console.Workflows.Snapshots.Pinning;
using Console.Workflows.Snapshots.Retention;
using Marten;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Xunit;

namespace Console.IntegrationTests.Workflows.Common;

/// <summary>
/// The console's workflow and REST API in one process on a test database (the API on an in-memory test server, with
/// a header-based bearer scheme standing in for token validation), and a world in which every command of the role
/// table has something real to act on: a pending cross-domain migration, a failed request, a held and pinned
/// snapshot, the inventory and the policy. Each command can be issued on the workflow path (the ports the pages and
/// API call) and, where the API offers it, over HTTP; each has a probe of the state it would change.
/// </summary>
public sealed class RoleMatrixHost : IAsyncLifetime
{
    public const string UserHeader = "X-Test-User";
    public const string RolesHeader = "X-Test-Roles";
    public const string GroupsHeader = "X-Test-Groups";

    private static readonly DateTimeOffset Long = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    private readonly string _proofFolder = Path.Combine(Path.GetTempPath(), "role-matrix-proofs-" + Guid.NewGuid().ToString("N"));
    private WebApplication _app = null!;

    public PostgresDatabase Database { get; } = new();

    internal RuntimeScenario World { get; private set; } = null!;

    public Guid Pending { get; private set; }

    public Guid Failed { get; private set; }

    public Guid Snapshot { get; private set; }

    public Guid PendingEnrolment { get; private set; }

    public string EdgeKey { get; private set; } = "";

    /// <summary>A well-formed proposal for <paramref name="environment"/> (a fresh AK and EK each time).</summary>
    public static ProposeEnrolment Proposal(Guid environment, int expectedVersion)
    {
        using var ak = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        using var ek = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        return new ProposeEnrolment(environment, expectedVersion, ak.ExportSubjectPublicKeyInfoPem(), ek.ExportSubjectPublicKeyInfoPem(),
            [new ReferenceValueInput("0", new string('a', 64)), new ReferenceValueInput("7", new string('b', 64))], "Values from the platform vendor.");
    }

    public HttpClient Http { get; private set; } = null!;

    public IServiceProvider Services => _app.Services;

    /// <summary>Every trust domain's owner group: the people in the matrix belong to all of them.</summary>
    public IReadOnlySet<string> AllOwnerGroups => new HashSet<string>(StringComparer.Ordinal) { "noc-core", World.PartnerOwners };

    public async ValueTask InitializeAsync()
    {
        await Database.InitializeAsync();
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        var settings = new Dictionary<string, string?>(WorkflowHost.TestSettings)
        {
            ["ConnectionStrings:Console"] = Database.ConnectionString,
            ["Keys:Folder"] = Path.Combine(Path.GetTempPath(), "vnf-console-test-keys"),
        };
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        var console = ConsoleOptions.Read(builder.Configuration);
        builder.Services.AddSingleton(console);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddConsoleWorkflowHost(builder.Configuration, Database.ConfigureMarten);
        builder.Services.AddNfvSimulator(builder.Configuration);
        builder.Services.AddAuthentication(AuthenticationSetup.ApiScheme)
            .AddScheme<AuthenticationSchemeOptions, HeaderBearer>(AuthenticationSetup.ApiScheme, _ => { });
        builder.Services.AddAuthorizationBuilder().AddConsolePolicies();
        builder.AddConsoleApi(console);
        builder.Services.AddAccessRecording();

        _app = builder.Build();
        _app.UseAuthentication();
        _app.UseAuthorization();
        _app.MapConsoleApi();
        await _app.StartAsync();
        await _app.Services.EnsureApprovalPolicyAsync();
        Http = _app.GetTestClient();

        World = await RuntimeScenario.CreateAsync(Database.Store);
        await SeedAsync();
    }

    private async Task SeedAsync()
    {
        var s = World;
        // Pending: the whole VNF into the partner's DC: NOC approvers, a security officer and the partner's owners.
        var submitted = await With<IConsoleCommandBus, Outcome>(c => c.IssueAsync(s.Migration(s.PartnerDc), s.Operator));
        if (!submitted.Succeeded)
            throw new InvalidOperationException("Seeding the pending request failed: " + submitted.Refusal!.Message);
        Pending = submitted.Id;

        // Failed after one attempt: written straight to its stream, so no execution is ever scheduled for it.
        Failed = Guid.NewGuid();
        var content = new RequestContent(RequestKind.Snapshot, s.Vnf, [s.N2], s.DcA, null, null, 1);
        const string why = "Snapshot before the 1.15 software upgrade.";
        var digest = ContentDigest.Of(content, why, null);
        var approver = RuntimeScenario.Approver(9);
        var requirement = new ApprovalRequirement(
            [new RequiredGroup(DefaultPolicy.NocApprovers, ApproverSource.Role, Roles.NocApprover, 1)], false, "Internal components: 1 NOC approver");
        await using (var session = Database.Store.LightweightSession())
        {
            session.Events.StartStream<ChangeRequest>(Failed,
                new RequestSubmitted(Failed, content, digest, s.VnfName, why, null, requirement, s.Operator.UserId, s.Operator.DisplayName, Long, Long.AddYears(5)),
                new ApprovalGranted(Failed, approver.UserId, approver.DisplayName, DefaultPolicy.NocApprovers, digest, null, Long),
                new RequestApproved(Failed, digest, approver.UserId, Long),
                new ExecutionStarted(Failed, 1, "system:execution", Long),
                new ExecutionFailed(Failed, 1, "VIM unreachable", "system:execution", Long));

            Snapshot = Guid.NewGuid();
            var taken = new SnapshotTaken(Snapshot, s.ProbeVnf, $"probe-{s.Suffix}",
                [new SnapshotComponent(s.Probe, "health-probe", Sensitivity.Public, s.CoreDomain)], Guid.NewGuid(), s.Edge,
                $"sim://matrix/{Snapshot:N}", "sha256:00", 1024, s.Operator.UserId, [], "system:execution", Long);
            // With its retention under the policy in force: without it, the re-assignment that the policy's creation
            // triggers in the background gives the snapshot its first expiry whenever it runs, which moved the
            // snapshot's version under a probe (CI saw MarkSnapshotNotNeeded "change something" that way).
            var policy = (await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId))!;
            session.Events.StartStream<Snapshot>(Snapshot,
                taken,
                RetentionRules.Assign(taken, policy, "system:execution", Long),
                new SnapshotPinned(Snapshot, "Kept for the audit.", null, s.Operator.UserId, Long),
                new LegalHoldPlaced(Snapshot, "Litigation", null, s.Security.UserId, Long));

            // A pending enrolment on DC B (to approve or reject) and an approved one on the edge (to revoke).
            var setup = new Actor("test:setup", "Setup", new HashSet<string> { Roles.Administrator });
            var officer = new Actor("test:officer", "Officer", new HashSet<string> { Roles.SecurityOfficer });
            var pending = ProposeEnrolmentDecider.Decide(Proposal(s.DcB, 1), null, true, 1, Guid.NewGuid(), setup, Long).Events;
            session.Events.Append(s.DcB, pending);
            var edgeProposal = (EnrolmentProposed)ProposeEnrolmentDecider.Decide(Proposal(s.Edge, 1), null, true, 1, Guid.NewGuid(), setup, Long).Events.Single();
            session.Events.Append(s.Edge, edgeProposal,
                DecideEnrolmentDecider.Approve(new ApproveEnrolment(s.Edge, edgeProposal.EnrolmentId, 2), AttestationSubject.Create(edgeProposal), true, 2, officer, Long).Events.Single());
            PendingEnrolment = ((EnrolmentProposed)pending.Single()).EnrolmentId;
            EdgeKey = edgeProposal.KeyId;

            // An account for the account commands to act on.
            session.Events.StartStream<UserAccount>(UserAccount.IdFor(MatrixAccount), CreateAccountDecider.Decide(
                new NewAccount(MatrixAccount, "Matrix Target", [Roles.NocOperator], [], "hash"), null, "test:setup", Long).Events);
            await session.SaveChangesAsync();
        }
    }

    public async Task<TResult> With<TService, TResult>(Func<TService, Task<TResult>> act) where TService : notnull
    {
        await using var scope = _app.Services.CreateAsyncScope();
        return await act(scope.ServiceProvider.GetRequiredService<TService>());
    }

    public async Task<int> VersionOf(Guid stream)
    {
        await using var session = Database.Store.QuerySession();
        return (int)((await session.Events.FetchStreamStateAsync(stream))?.Version ?? 0);
    }

    private async Task<long> Count<T>() where T : notnull
    {
        await using var session = Database.Store.QuerySession();
        return await session.Query<T>().CountAsync();
    }

    /// <summary>The person a case acts as: holding only <paramref name="role"/> (none when null), in every owner group.</summary>
    public Actor Person(ConsoleCommand command, string? role)
    {
        // Whoever the command's other rules favour most: the requester for their own request or snapshot.
        var id = command is ConsoleCommand.AmendRequest or ConsoleCommand.CancelRequest or ConsoleCommand.RetryExecution
            or ConsoleCommand.MarkSnapshotNotNeeded
            ? World.Operator.UserId
            : $"matrix-{command}-{role ?? "none"}".ToLowerInvariant();
        return new Actor(id, "Matrix " + (role ?? "no role"), role is null ? new HashSet<string>() : new HashSet<string> { role })
        {
            Groups = AllOwnerGroups,
        };
    }

    /// <summary>One command on every path it has: the workflow port, the REST API (when offered) and a probe of what it changes.</summary>
    public sealed record Entry(
        Func<IServiceProvider, Actor, Task<Refusal?>> Workflow,
        Func<Task<HttpRequestMessage>>? Api,
        Func<Task<long>> Probe);

    public IReadOnlyDictionary<ConsoleCommand, Entry> Entries => _entries ??= BuildEntries();

    private IReadOnlyDictionary<ConsoleCommand, Entry>? _entries;

    private Dictionary<ConsoleCommand, Entry> BuildEntries()
    {
        var s = World;
        var entries = new Dictionary<ConsoleCommand, Entry>();
        const string why = "Because the matrix says so.";

        foreach (var kind in Enum.GetValues<RequestKind>().Where(k => k != RequestKind.GuardChange))
        {
            var submit = new SubmitRequest(kind, kind is RequestKind.SnapshotDeletion or RequestKind.Restore ? s.ProbeVnf : s.Vnf, [],
                kind == RequestKind.Migration ? s.PartnerDc : null,
                kind is RequestKind.SnapshotDeletion or RequestKind.Restore ? Snapshot : null, why, null);
            entries[CommandRoles.Submit(kind)] = new(
                (sp, a) => Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(submit, a)),
                () => Task.FromResult(Json(HttpMethod.Post, "/api/requests", new
                {
                    kind = kind.ToString(), vnfId = submit.VnfId, targetEnvironmentId = submit.TargetEnvironmentId,
                    snapshotId = submit.SnapshotId, justification = why,
                })),
                Count<ChangeRequest>);
        }

        entries[ConsoleCommand.AmendRequest] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(
                new AmendRequest(Pending, await VersionOf(Pending), [], s.DcB, why + " Amended.", null), a)),
            async () => Json(HttpMethod.Put, $"/api/requests/{Pending}",
                new { targetEnvironmentId = s.DcB, justification = why + " Amended.", expectedVersion = await VersionOf(Pending) }),
            () => VersionAsync(Pending));
        entries[ConsoleCommand.CancelRequest] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(new CancelRequest(Pending, await VersionOf(Pending), why), a)),
            async () => Json(HttpMethod.Post, $"/api/requests/{Pending}/cancel", new { reason = why, expectedVersion = await VersionOf(Pending) }),
            () => VersionAsync(Pending));
        entries[ConsoleCommand.ApproveRequest] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(
                new ApproveRequest(Pending, await VersionOf(Pending), await DigestOf(Pending), null), a)),
            async () => Json(HttpMethod.Post, $"/api/requests/{Pending}/approve",
                new { contentDigest = await DigestOf(Pending), expectedVersion = await VersionOf(Pending) }),
            () => VersionAsync(Pending));
        entries[ConsoleCommand.RejectRequest] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(new RejectRequest(Pending, await VersionOf(Pending), why), a)),
            async () => Json(HttpMethod.Post, $"/api/requests/{Pending}/reject", new { reason = why, expectedVersion = await VersionOf(Pending) }),
            () => VersionAsync(Pending));
        entries[ConsoleCommand.RetryExecution] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(new RetryExecution(Failed, await VersionOf(Failed), why), a)),
            async () => Json(HttpMethod.Post, $"/api/requests/{Failed}/retry", new { reason = why, expectedVersion = await VersionOf(Failed) }),
            () => VersionAsync(Failed));

        Entry SnapshotEntry(string route, Func<int, IConsoleCommand> command) => new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(command(await VersionOf(Snapshot)), a)),
            async () => Json(HttpMethod.Post, $"/api/snapshots/{Snapshot}/{route}", new { reason = why, expectedVersion = await VersionOf(Snapshot) }),
            () => VersionAsync(Snapshot));
        entries[ConsoleCommand.PinSnapshot] = SnapshotEntry("pin", v => new PinSnapshot(Snapshot, v, why, null));
        entries[ConsoleCommand.UnpinSnapshot] = SnapshotEntry("unpin", v => new UnpinSnapshot(Snapshot, v, why));
        entries[ConsoleCommand.PlaceLegalHold] = SnapshotEntry("legal-hold", v => new PlaceLegalHold(Snapshot, v, why, null));
        entries[ConsoleCommand.ReleaseLegalHold] = SnapshotEntry("release-hold", v => new ReleaseLegalHold(Snapshot, v, why));
        entries[ConsoleCommand.MarkSnapshotNotNeeded] = SnapshotEntry("not-needed", v => new MarkSnapshotNotNeeded(Snapshot, v, why));

        var weaker = DefaultPolicy.Document with { PendingRequestTimeout = TimeSpan.FromDays(20) };
        entries[ConsoleCommand.RevisePolicy] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(new RevisePolicy((int)await PolicyRevision(), weaker, why), a)),
            async () => Json(HttpMethod.Put, "/api/policy", new { document = weaker, reason = why, expectedRevision = await PolicyRevision() }),
            PolicyRevision);

        // The inventory has no write API: its commands are issued from the pages, through the same bus.
        entries[ConsoleCommand.RegisterTrustDomain] = new(
            (sp, a) => Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(new RegisterTrustDomain($"Matrix {Guid.NewGuid():N}", "matrix-owners"), a)),
            null, Count<TrustDomain>);
        entries[ConsoleCommand.ChangeTrustDomain] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(
                new ChangeTrustDomain(s.PartnerDomain, await VersionOf(s.PartnerDomain), $"Partner {s.Suffix}", "attacker-group"), a)),
            null, () => VersionAsync(s.PartnerDomain));
        entries[ConsoleCommand.RegisterEnvironment] = new(
            (sp, a) => Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(
                new RegisterEnvironment($"Matrix {Guid.NewGuid():N}"[..30], EnvironmentKind.CoreDataCentre, "Berlin", TrustLevel.High), a)),
            null, Count<ExecutionEnvironment>);
        entries[ConsoleCommand.ChangeEnvironment] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(
                new ChangeEnvironment(s.Edge, await VersionOf(s.Edge), $"Edge {s.Suffix}", EnvironmentKind.CoreDataCentre, "Frankfurt",
                    TrustLevel.High, AttestationStatus.Attested, s.CoreDomain), a)),
            null, () => VersionAsync(s.Edge));
        // A weakening change as the environment's handler would raise it: the trust level raised to High.
        entries[ConsoleCommand.SubmitGuardChange] = new(
            async (sp, a) =>
            {
                var raise = new ChangeEnvironment(s.Edge, await VersionOf(s.Edge), $"Edge {s.Suffix}", EnvironmentKind.CoreDataCentre,
                    "Frankfurt", TrustLevel.High, AttestationStatus.Attested, s.CoreDomain);
                var verdict = new GuardVerdict([new GuardDifference("Trust level", "Low", "High", Weakens: true)]);
                return await Refusal(sp.GetRequiredService<CommandBus>().IssueAsync(new SubmitGuardChangeBy(GuardChange.For(raise, $"Edge {s.Suffix}", verdict), a)));
            },
            null, Count<ChangeRequest>);
        entries[ConsoleCommand.RegisterVnf] = new(
            (sp, a) => Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(
                new RegisterVnf($"matrix-{Guid.NewGuid():N}"[..20], VnfType.AMF, "Ericsson", "1.0", s.DcA, []), a)),
            null, Count<Vnf>);
        entries[ConsoleCommand.ChangeVnf] = new(
            async (sp, a) =>
            {
                await using var session = Database.Store.QuerySession();
                var vnf = (await session.LoadAsync<Vnf>(s.Vnf))!;
                return await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(
                    ChangeVnf.From(vnf) with { SoftwareVersion = "9.9.9" }, a));
            },
            null, () => VersionAsync(s.Vnf));

        entries[ConsoleCommand.AcknowledgeIntegrityAlert] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(
                new AcknowledgeIntegrityAlert(Guid.NewGuid(), why, await VersionOf(IntegrityStatus.StreamId)), a)),
            null, () => VersionAsync(IntegrityStatus.StreamId));
        entries[ConsoleCommand.VerifyIntegrity] = new(
            async (sp, a) => (await sp.GetRequiredService<IIntegrityService>().VerifyAsync(a)).Refusal,
            null, () => VersionAsync(IntegrityStatus.StreamId));
        entries[ConsoleCommand.CheckpointIntegrity] = new(
            async (sp, a) => (await sp.GetRequiredService<IIntegrityService>().CheckpointNowAsync(a)).Refusal,
            null, async () => (await With<IIntegrityService, IntegrityOverview>(i => i.OverviewAsync())).CheckpointCount);
        entries[ConsoleCommand.ExportIntegrityProof] = new(
            async (sp, a) => (await sp.GetRequiredService<IIntegrityService>().ExportProofAsync(null, _proofFolder, a)).Refusal,
            null, () => Task.FromResult(Directory.Exists(_proofFolder) ? (long)Directory.EnumerateFileSystemEntries(_proofFolder).Count() : 0L));

        // Everyone may choose their own channels: only a person holding no role is refused.
        entries[ConsoleCommand.ChooseNotificationChannels] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(
                new ChooseNotificationChannels(0, true, "someone@noc.example.net", false, null), a)),
            null, NotificationProfileCount);

        // A person's own second factor; refused by role before the account is looked up.
        entries[ConsoleCommand.StartSecondFactorEnrolment] = new(
            (sp, a) => Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(new StartSecondFactorEnrolment(TotpCodes.NewSecret()), a)),
            null, Count<SecondFactor>);
        entries[ConsoleCommand.ConfirmSecondFactor] = new(
            (sp, a) => Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(new ConfirmSecondFactor("123456", RecoveryCodes.New()), a)),
            null, Count<SecondFactor>);
        entries[ConsoleCommand.RemoveSecondFactor] = new(
            (sp, a) => Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(new RemoveSecondFactor("123456", why), a)),
            null, Count<SecondFactor>);

        // The role is checked before the alert is looked up: an alert that does not exist shows the refusal's order too.
        var alert = Guid.NewGuid();
        entries[ConsoleCommand.AcknowledgeAlert] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(new AcknowledgeAlert(alert, 0, why), a)),
            null, AlertHandlingCount);
        entries[ConsoleCommand.AssignAlert] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(new AssignAlert(alert, 0, "security"), a)),
            null, AlertHandlingCount);
        entries[ConsoleCommand.CloseAlert] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(new CloseAlert(alert, 0, why), a)),
            null, AlertHandlingCount);

        var account = UserAccount.IdFor(MatrixAccount);
        var proposal = Proposal(s.PartnerDc, 0);
        entries[ConsoleCommand.ProposeEnrolment] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(proposal with { ExpectedVersion = await VersionOf(s.PartnerDc) }, a)),
            async () => Json(HttpMethod.Post, $"/api/inventory/environments/{s.PartnerDc}/enrolment", new
            {
                akPublicKeyPem = proposal.AkPublicKeyPem, ekPem = proposal.EkPem, referenceValues = proposal.ReferenceValues, reason = why,
                expectedVersion = await VersionOf(s.PartnerDc),
            }),
            () => VersionAsync(s.PartnerDc));
        entries[ConsoleCommand.ApproveEnrolment] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(
                new ApproveEnrolment(s.DcB, PendingEnrolment, await VersionOf(s.DcB)), a)),
            async () => Json(HttpMethod.Post, $"/api/inventory/environments/{s.DcB}/enrolment/approve",
                new { enrolmentId = PendingEnrolment, expectedVersion = await VersionOf(s.DcB) }),
            () => VersionAsync(s.DcB));
        entries[ConsoleCommand.RejectEnrolment] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(
                new RejectEnrolment(s.DcB, PendingEnrolment, await VersionOf(s.DcB), why), a)),
            async () => Json(HttpMethod.Post, $"/api/inventory/environments/{s.DcB}/enrolment/reject",
                new { enrolmentId = PendingEnrolment, reason = why, expectedVersion = await VersionOf(s.DcB) }),
            () => VersionAsync(s.DcB));
        entries[ConsoleCommand.RevokeAttestationKey] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(
                new RevokeAttestationKey(s.Edge, EdgeKey, await VersionOf(s.Edge), why), a)),
            async () => Json(HttpMethod.Post, $"/api/inventory/environments/{s.Edge}/enrolment/revoke",
                new { keyId = EdgeKey, reason = why, expectedVersion = await VersionOf(s.Edge) }),
            () => VersionAsync(s.Edge));

        entries[ConsoleCommand.ChangeAccountRoles] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(
                new ChangeAccountRoles(MatrixAccount, await VersionOf(account), [Roles.Administrator], why), a)),
            null, () => VersionAsync(account));
        // The matrix account has no factor: an administrator is told so; anyone else is refused by role first. A reset
        // that passed would start a guard-change request, which the probe counts.
        entries[ConsoleCommand.ResetSecondFactor] = new(
            (sp, a) => Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(new ResetSecondFactor(MatrixAccount, 0, why), a)),
            null, Count<ChangeRequest>);
        entries[ConsoleCommand.SetAccountDisabled] = new(
            async (sp, a) => await Refusal(sp.GetRequiredService<IConsoleCommandBus>().IssueAsync(
                new SetAccountDisabled(MatrixAccount, await VersionOf(account), true, why), a)),
            null, () => VersionAsync(account));
        return entries;
    }

    private const string MatrixAccount = "matrix-target";

    private async Task<long> VersionAsync(Guid stream) => await VersionOf(stream);

    private async Task<long> NotificationProfileCount()
    {
        await using var session = Database.Store.QuerySession();
        return await session.Query<NotificationProfile>().CountAsync();
    }

    private async Task<long> AlertHandlingCount()
    {
        await using var session = Database.Store.QuerySession();
        return await session.Query<AlertHandling>().CountAsync();
    }

    private async Task<long> PolicyRevision()
    {
        await using var session = Database.Store.QuerySession();
        return (await session.LoadAsync<ApprovalPolicy>(ApprovalPolicy.StreamId))?.Revision ?? 0;
    }

    private async Task<string> DigestOf(Guid request)
    {
        await using var session = Database.Store.QuerySession();
        return (await session.LoadAsync<ChangeRequest>(request))!.ContentDigest;
    }

    private static async Task<Refusal?> Refusal(Task<Outcome> outcome) => (await outcome).Refusal;

    private static HttpRequestMessage Json(HttpMethod method, string path, object body) =>
        new(method, path) { Content = JsonContent.Create(body) };

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        await Database.DisposeAsync();
        if (Directory.Exists(_proofFolder))
            Directory.Delete(_proofFolder, recursive: true);
    }

    /// <summary>Stands in for bearer-token validation: the person, roles and groups come from request headers.</summary>
    private sealed class HeaderBearer(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            if (!Request.Headers.TryGetValue(UserHeader, out var user))
                return Task.FromResult(AuthenticateResult.NoResult());
            var claims = new List<Claim> { new("sub", user.ToString()), new("name", user.ToString()) };
            claims.AddRange(Split(RolesHeader).Select(r => new Claim("role", r)));
            claims.AddRange(Split(GroupsHeader).Select(g => new Claim("groups", g)));
            var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, Scheme.Name, "name", "role"));
            return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, Scheme.Name)));
        }

        private string[] Split(string header) =>
            Request.Headers.TryGetValue(header, out var value)
                ? value.ToString().Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [];
    }
}
