using System.Net;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Console.Web.Security;
using Console.Workflows.Common;
using Console.Workflows.Requests;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Common;

/// <summary>
/// Walks the role table: every command x every role that may not issue it (and a person with no role) x every entry
/// path, and asserts the refusal (kind and message) and that nothing changed. The cases come from the table, so a new
/// command is walked as soon as it has a row; the catalogue tests fail when a command exists that the table does not name.
/// The people here belong to every owner group and, where the command favours them, are the requester: only the role
/// is missing.
/// </summary>
public sealed class RoleMatrixTests(RoleMatrixHost host) : IClassFixture<RoleMatrixHost>
{
    private const string NoRole = "";

    /// <summary>Every (command, role) the table does not allow, plus a person holding no role at all.</summary>
    public static IEnumerable<(ConsoleCommand Command, string Role)> ForbiddenPairs() =>
        from row in CommandRoles.Table.OrderBy(r => r.Key)
        from role in Roles.All.Where(r => !row.Value.Contains(r)).Append(NoRole)
        select (row.Key, role);

    public static TheoryData<ConsoleCommand, string> Forbidden() => Data(ForbiddenPairs());

    /// <summary>The same cases for the commands the REST API offers.</summary>
    public static TheoryData<ConsoleCommand, string> ForbiddenOverApi() => Data(ForbiddenPairs().Where(p => ApiCommands.Contains(p.Command)));

    private static TheoryData<ConsoleCommand, string> Data(IEnumerable<(ConsoleCommand Command, string Role)> pairs)
    {
        var data = new TheoryData<ConsoleCommand, string>();
        foreach (var (command, role) in pairs)
            data.Add(command, role);
        return data;
    }

    // The write endpoints of /api, by endpoint name; every submit kind goes through SubmitRequest.
    private static readonly HashSet<ConsoleCommand> ApiCommands = new HashSet<ConsoleCommand>(CommandRoles.SubmitCommands)
    {
        ConsoleCommand.AmendRequest, ConsoleCommand.CancelRequest, ConsoleCommand.ApproveRequest, ConsoleCommand.RejectRequest,
        ConsoleCommand.RetryExecution, ConsoleCommand.PinSnapshot, ConsoleCommand.UnpinSnapshot, ConsoleCommand.PlaceLegalHold,
        ConsoleCommand.ReleaseLegalHold, ConsoleCommand.MarkSnapshotNotNeeded, ConsoleCommand.RevisePolicy,
        ConsoleCommand.ProposeEnrolment, ConsoleCommand.ApproveEnrolment, ConsoleCommand.RejectEnrolment, ConsoleCommand.RevokeAttestationKey,
    };

    [Theory]
    [MemberData(nameof(Forbidden))]
    public async Task RoleMatrix_WorkflowInvoke_RefusesEveryRoleNotInTheTable(ConsoleCommand command, string role)
    {
        var entry = host.Entries[command];
        var actor = host.Person(command, role.Length == 0 ? null : role);
        var before = await entry.Probe();

        Refusal? refusal;
        await using (var scope = host.Services.CreateAsyncScope())
            refusal = await entry.Workflow(scope.ServiceProvider, actor);

        refusal.ShouldNotBeNull($"{command} by {Describe(role)} was accepted");
        refusal.Kind.ShouldBe(RefusalKind.Forbidden);
        refusal.Message.ShouldBe(CommandRoles.RefusalMessage(command));
        (await entry.Probe()).ShouldBe(before, $"{command} by {Describe(role)} changed something");
    }

    [Theory]
    [MemberData(nameof(ForbiddenOverApi))]
    public async Task RoleMatrix_RestApi_RefusesEveryRoleNotInTheTable(ConsoleCommand command, string role)
    {
        var entry = host.Entries[command];
        entry.Api.ShouldNotBeNull();
        var actor = host.Person(command, role.Length == 0 ? null : role);
        var before = await entry.Probe();

        using var request = await entry.Api();
        request.Headers.Add(RoleMatrixHost.UserHeader, actor.UserId);
        request.Headers.Add(RoleMatrixHost.RolesHeader, role);
        request.Headers.Add(RoleMatrixHost.GroupsHeader, string.Join(',', actor.Groups));
        using var response = await host.Http.SendAsync(request, TestContext.Current.CancellationToken);

        response.StatusCode.ShouldBe(HttpStatusCode.Forbidden, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        problem.RootElement.GetProperty("detail").GetString().ShouldBe(
            $"This needs one of the roles {string.Join(", ", CommandRoles.For(command))}; your token carries {(role.Length == 0 ? "none" : role)}.");
        (await entry.Probe()).ShouldBe(before, $"{command} over the API by {Describe(role)} changed something");
    }

    [Fact]
    public void RoleMatrix_EveryCommandHasARowAndEveryRowIsWalked()
    {
        Enum.GetValues<ConsoleCommand>().Where(c => !CommandRoles.Table.ContainsKey(c)).ShouldBeEmpty("commands without a row");
        CommandRoles.Table.Keys.Where(c => !host.Entries.ContainsKey(c)).ShouldBeEmpty("rows the matrix cannot issue");
        CommandRoles.Table.Where(r => r.Value.Count == 0 || r.Value.Any(role => !Roles.All.Contains(role)))
            .Select(r => r.Key).ShouldBeEmpty("rows naming no role or an unknown one");
        Enum.GetValues<RequestKind>().Select(CommandRoles.Submit).Distinct().Count().ShouldBe(Enum.GetValues<RequestKind>().Length);
    }

    // The command ports of the workflow: every method that takes the acting person and can refuse is a command. The
    // bus issues any IConsoleCommand; which commands those are, the test of the commands on the bus below says.
    private static readonly IReadOnlyDictionary<string, ConsoleCommand[]> PortMethods = new Dictionary<string, ConsoleCommand[]>
    {
        ["IConsoleCommandBus.IssueAsync"] = [],
        ["IIntegrityService.VerifyAsync"] = [ConsoleCommand.VerifyIntegrity],
        ["IIntegrityService.CheckpointNowAsync"] = [ConsoleCommand.CheckpointIntegrity],
        ["IIntegrityService.ExportProofAsync"] = [ConsoleCommand.ExportIntegrityProof],
        // Inclusion and consistency proofs are part of verifying the log.
        ["ILogProofs.InclusionAsync"] = [ConsoleCommand.VerifyIntegrity],
        ["ILogProofs.ConsistencyAsync"] = [ConsoleCommand.VerifyIntegrity],
        // An evidence bundle is an export of log proofs about one request.
        ["IEvidenceBundles.BuildAsync"] = [ConsoleCommand.ExportIntegrityProof],
    };

    // The workflow's messages that carry the acting person (what the ports send through the command bus). A guard change
    // has no port of its own: inventory and policy handlers raise it, and the matrix issues it on the bus.
    private static readonly IReadOnlyDictionary<string, ConsoleCommand[]> ActorMessages = new Dictionary<string, ConsoleCommand[]>
    {
        ["SubmitRequestBy"] = [.. CommandRoles.SubmitCommands],
        ["AmendRequestBy"] = [ConsoleCommand.AmendRequest],
        ["ApproveRequestBy"] = [ConsoleCommand.ApproveRequest],
        ["RejectRequestBy"] = [ConsoleCommand.RejectRequest],
        ["CancelRequestBy"] = [ConsoleCommand.CancelRequest],
        ["RetryExecutionBy"] = [ConsoleCommand.RetryExecution],
        ["PinSnapshotBy"] = [ConsoleCommand.PinSnapshot],
        ["UnpinSnapshotBy"] = [ConsoleCommand.UnpinSnapshot],
        ["PlaceLegalHoldBy"] = [ConsoleCommand.PlaceLegalHold],
        ["ReleaseLegalHoldBy"] = [ConsoleCommand.ReleaseLegalHold],
        ["MarkSnapshotNotNeededBy"] = [ConsoleCommand.MarkSnapshotNotNeeded],
        ["SubmitGuardChangeBy"] = [ConsoleCommand.SubmitGuardChange],
        ["RevisePolicyBy"] = [ConsoleCommand.RevisePolicy],
        ["RegisterTrustDomainBy"] = [ConsoleCommand.RegisterTrustDomain],
        ["ChangeTrustDomainBy"] = [ConsoleCommand.ChangeTrustDomain],
        ["RegisterEnvironmentBy"] = [ConsoleCommand.RegisterEnvironment],
        ["ChangeEnvironmentBy"] = [ConsoleCommand.ChangeEnvironment],
        ["RegisterVnfBy"] = [ConsoleCommand.RegisterVnf],
        ["ChangeVnfBy"] = [ConsoleCommand.ChangeVnf],
        ["ProposeEnrolmentBy"] = [ConsoleCommand.ProposeEnrolment],
        ["ApproveEnrolmentBy"] = [ConsoleCommand.ApproveEnrolment],
        ["RejectEnrolmentBy"] = [ConsoleCommand.RejectEnrolment],
        ["RevokeAttestationKeyBy"] = [ConsoleCommand.RevokeAttestationKey],
        ["ChangeAccountRolesBy"] = [ConsoleCommand.ChangeAccountRoles],
        ["SetAccountDisabledBy"] = [ConsoleCommand.SetAccountDisabled],
        ["ChooseNotificationChannelsBy"] = [ConsoleCommand.ChooseNotificationChannels],
        ["StartSecondFactorEnrolmentBy"] = [ConsoleCommand.StartSecondFactorEnrolment],
        ["ConfirmSecondFactorBy"] = [ConsoleCommand.ConfirmSecondFactor],
        ["RemoveSecondFactorBy"] = [ConsoleCommand.RemoveSecondFactor],
        ["ResetSecondFactorBy"] = [ConsoleCommand.ResetSecondFactor],
        ["AlertCommandBy"] = [ConsoleCommand.AcknowledgeAlert, ConsoleCommand.AssignAlert, ConsoleCommand.CloseAlert],
        ["AcknowledgeIntegrityAlertBy"] = [ConsoleCommand.AcknowledgeIntegrityAlert],
    };

    [Fact]
    public void RoleMatrix_EveryPortMethodTakingThePersonIsACommandOfTheTable()
    {
        var workflows = typeof(CommandRoles).Assembly;
        var found = workflows.GetTypes()
            .Where(t => t.IsInterface && t.IsPublic)
            .SelectMany(t => t.GetMethods().Select(m => (Type: t, Method: m)))
            .Where(x => x.Method.GetParameters().Any(p => p.ParameterType == typeof(Actor)) && CanRefuse(x.Method.ReturnType))
            .Select(x => $"{x.Type.Name}.{x.Method.Name}")
            .ToList();

        found.Where(name => !PortMethods.ContainsKey(name)).ShouldBeEmpty("commands the role table does not name");
        PortMethods.Keys.Where(name => !found.Contains(name)).ShouldBeEmpty("catalogue entries that no longer exist");
        PortMethods.Values.Concat(ActorMessages.Values).SelectMany(c => c).Distinct().Order().ShouldBe(CommandRoles.Table.Keys.Order());
    }

    [Fact]
    public void RoleMatrix_EveryWorkflowMessageCarryingThePersonIsACommandOfTheTable()
    {
        var found = typeof(CommandRoles).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && t.GetProperties().Any(p => p.PropertyType == typeof(Actor)))
            .Select(t => t.Name)
            .ToList();

        found.Where(name => !ActorMessages.ContainsKey(name)).ShouldBeEmpty("messages the role table does not name");
        ActorMessages.Keys.Where(name => !found.Contains(name)).ShouldBeEmpty("catalogue entries that no longer exist");
    }

    [Fact]
    public void RoleMatrix_EveryCommandOnTheBusReachesItsHandlerWithThePersonAsAMessageOfTheTable()
    {
        var person = new Actor("someone", "Someone", new HashSet<string>());
        var commands = typeof(CommandRoles).Assembly.GetTypes()
            .Where(t => !t.IsAbstract && typeof(IConsoleCommand).IsAssignableFrom(t))
            .ToList();

        commands.ShouldNotBeEmpty();
        foreach (var type in commands)
        {
            var command = (IConsoleCommand)RuntimeHelpers.GetUninitializedObject(type);
            var message = command.By(person);
            message.Actor.ShouldBeSameAs(person, type.Name);
            ActorMessages.ShouldContainKey(message.GetType().Name, $"{type.Name} is issued as {message.GetType().Name}, which the role table does not name");
        }
    }

    [Fact]
    public void RoleMatrix_PagePoliciesGrantExactlyTheTableRoles()
    {
        foreach (var command in CommandRoles.Table.Keys)
            Policies.RolesFor[Policies.For(command)].Order().ShouldBe(CommandRoles.For(command).Order(), command.ToString());
    }

    [Fact]
    public void RoleMatrix_EveryWriteEndpointOfTheApiRequiresTheTableRolesOfItsCommand()
    {
        var endpoints = host.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.Ordinal) == true)
            .Where(e => e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods.Any(m => m is "POST" or "PUT" or "PATCH" or "DELETE") == true)
            .Select(e => (Name: e.Metadata.GetMetadata<IEndpointNameMetadata>()?.EndpointName ?? e.DisplayName ?? "?",
                Policies: e.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).OfType<string>().ToList()))
            .ToList();

        endpoints.ShouldNotBeEmpty();
        foreach (var (name, policies) in endpoints)
        {
            ConsoleCommand[] commands = name == "SubmitRequest" ? [.. CommandRoles.SubmitCommands]
                : Enum.TryParse<ConsoleCommand>(name, out var one) ? [one] : [];
            commands.ShouldNotBeEmpty($"the write endpoint {name} issues no command of the role table");
            policies.ShouldHaveSingleItem(name).ShouldBe(Policies.For(commands[0]), name);
            commands.ShouldAllBe(c => ApiCommands.Contains(c));
        }

        ApiCommands.Where(c => !endpoints.Any(e => e.Name == c.ToString() || (e.Name == "SubmitRequest" && CommandRoles.SubmitCommands.Contains(c))))
            .ShouldBeEmpty("commands the matrix walks over the API but the API does not offer");
    }

    [Fact]
    public void RoleMatrix_Size()
    {
        var forbidden = ForbiddenPairs().Count();
        var overApi = ForbiddenPairs().Count(p => ApiCommands.Contains(p.Command));
        var commands = CommandRoles.Table.Count;
        var people = Roles.All.Count + 1;

        // commands x (roles + no role); the refused share of it walked on the workflow path and, where offered, the API.
        TestContext.Current.SendDiagnosticMessage(
            $"Role matrix: {commands} commands x {people} roles (incl. none) = {commands * people}; refused cases: {forbidden} workflow + {overApi} API.");
        forbidden.ShouldBeGreaterThan(commands * (people - Roles.All.Count));
        overApi.ShouldBeLessThan(forbidden);
    }

    private static bool CanRefuse(Type returnType) =>
        returnType.IsGenericType && returnType.GetGenericTypeDefinition() == typeof(Task<>)
        && (returnType.GetGenericArguments()[0] == typeof(Outcome)
            || returnType.GetGenericArguments()[0].GetProperty("Refusal")?.PropertyType == typeof(Refusal));

    private static string Describe(string role) => role.Length == 0 ? "a person with no role" : role;
}
