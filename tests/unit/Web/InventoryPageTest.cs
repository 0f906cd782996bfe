using System.Security.Claims;
using Bunit;
using Console.UnitTests.Web.Fakes;
using Console.Web.Security;
using Console.Workflows.Common;
using Console.Workflows.Continuity;
using Console.Workflows.Inventory;
using Console.Workflows.Inventory.Locating;
using Console.Workflows.Snapshots;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;
using MudBlazor.Services;

namespace Console.UnitTests.Web;

/// <summary>
/// A bUnit context with MudBlazor, the in-memory inventory behind the reader and command ports, and a signed-in user
/// whose roles and policies follow <see cref="Policies.RolesFor"/>.
/// </summary>
public abstract class InventoryPageTest : BunitContext
{
    protected InventoryPageTest()
    {
        Reader = new FakeInventoryReader(Inventory);
        Commands = new FakeInventoryCommands(Inventory);
        Store = new InMemoryRequests(Inventory);
        CommandBus = new FakeCommandBus(Commands, Store, Policy, Snapshots, Notifications);
        Location = new FakeVnfLocationReader(Store);
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton<IInventoryReader>(Reader);
        Services.AddSingleton<IConsoleCommandBus>(CommandBus);
        Services.AddSingleton<ISnapshotReader>(Snapshots);
        Services.AddSingleton<IContinuityReader>(Continuity);
        Services.AddSingleton<IVnfLocationReader>(Location);
        Services.AddScoped<CurrentActor>();
        RenderTree.Add<MudProviders>();
        DefaultWaitTimeout = TimeSpan.FromSeconds(5);
    }

    protected InMemoryInventory Inventory { get; } = new();

    protected FakeInventoryReader Reader { get; }

    protected FakeInventoryCommands Commands { get; }

    /// <summary>The one command bus of the page tests: inventory, request, policy and snapshot commands alike.</summary>
    protected FakeCommandBus CommandBus { get; }

    protected InMemoryRequests Store { get; }

    protected FakeRequestNotifications Notifications { get; } = new();

    protected FakePolicyService Policy { get; } = new();

    protected FakeSnapshotReader Snapshots { get; } = new();

    protected FakeContinuityReader Continuity { get; } = new();

    protected FakeVnfLocationReader Location { get; }

    protected NavigationManager Navigation => Services.GetRequiredService<NavigationManager>();

    protected ISnackbar Snackbar => Services.GetRequiredService<ISnackbar>();

    protected void SignInAs(string userId, params string[] roles)
    {
        var policies = Policies.RolesFor.Where(p => p.Value.Intersect(roles).Any()).Select(p => p.Key).ToArray();
        var auth = AddAuthorization();
        auth.SetAuthorized(userId);
        auth.SetRoles(roles);
        auth.SetPolicies(policies);
        auth.SetClaims(new Claim("sub", userId));
    }

    protected void SignInAsAdministrator() => SignInAs("ada.admin", Roles.Administrator);

    protected void SignInAsOperator() => SignInAs("olli.operator", Roles.NocOperator);
}
