using System.Security.Claims;
using Bunit;
using Console.IntegrationTests.Infrastructure;
using Console.Web.Components.Pages.Admin;
using Console.Web.Hosting;
using Console.Web.Identity;
using Console.Workflows.Accounts;
using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Common;
using Marten;
using Console.Web.Security;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using MudBlazor;
using MudBlazor.Services;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Web.Components.Pages.Admin;

/// <summary>
/// The users page on the real directory (PostgreSQL): an administrator changes an account in the dialog. A bUnit context
/// of its own: the page needs only the directory, the account commands and MudBlazor, none of tests/unit's fakes.
/// </summary>
public sealed class UsersPageTests : BunitContext, IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"users-{Guid.NewGuid():N}.tsv");

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        await File.WriteAllTextAsync(_file, "username\tdisplay_name\trole\tpassword\nolga\tOlga Operator\tNocOperator\tOlga#2026\n",
            Xunit.TestContext.Current.CancellationToken);
        var directory = new UserDirectory(_database.Store, TimeProvider.System, TestSecondFactorSecrets.Create(), NullLogger<UserDirectory>.Instance);
        await directory.SeedDemoUsersAsync(_file, Xunit.TestContext.Current.CancellationToken);
        Services.AddSingleton(directory);
        Services.AddSingleton(new ConsoleOptions());
        Services.AddSingleton<IConsoleCommandBus>(new AccountChanges(_database.Store, TimeProvider.System));
        Services.AddScoped<CurrentActor>();
        Services.AddScoped<ISecondFactorReader>(_ => new MartenSecondFactorReader(_database.Store, TimeProvider.System));
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        DefaultWaitTimeout = TimeSpan.FromSeconds(5);
    }

    [Fact]
    public async Task Users_AdministratorGrantsARoleInTheDialog_TheChangeIsRecordedWithWhoAndWhy()
    {
        var auth = AddAuthorization();
        auth.SetAuthorized("ada.admin");
        auth.SetRoles(Roles.Administrator);
        auth.SetPolicies([.. Policies.RolesFor.Where(p => p.Value.Contains(Roles.Administrator)).Select(p => p.Key)]);
        auth.SetClaims(new Claim("sub", "ada.admin"));
        var cut = Render(WithProviders);
        cut.WaitForAssertion(() => cut.Find("button[data-testid=change-account-olga]"));
        cut.Find("[data-testid=second-factor-olga]").TextContent.ShouldBe("none");
        cut.FindAll("button[data-testid=reset-factor-olga]").ShouldBeEmpty("nothing to reset");

        cut.Find("button[data-testid=change-account-olga]").Click();
        cut.WaitForAssertion(() => cut.Find("button[data-testid=account-save]"));
        // A role that only reads applies at once (a grant of an approving one waits for a security officer:
        // FourEyesAccountRolesWorkflowTests).
        cut.Find("[data-testid=account-role-Auditor] input, input[data-testid=account-role-Auditor]").Change(true);
        cut.Find("button[data-testid=account-save]").Click();
        cut.WaitForAssertion(() => cut.Markup.ShouldContain("Say why the account changes."));
        cut.Find("textarea[data-testid=account-reason]").Input("Joins the audit rota");
        cut.Find("button[data-testid=account-save]").Click();

        cut.WaitForAssertion(() => Services.GetRequiredService<ISnackbar>().ShownSnackbars.ShouldHaveSingleItem());
        await using var session = _database.Store.QuerySession();
        var changed = (await session.Events.FetchStreamAsync(UserAccount.IdFor("olga"), token: Xunit.TestContext.Current.CancellationToken))[^1]
            .Data.ShouldBeOfType<AccountRolesChanged>();
        changed.Roles.ShouldBe([Roles.NocOperator, Roles.Auditor]);
        (changed.By, changed.Reason).ShouldBe(("ada.admin", "Joins the audit rota"));
    }

    /// <summary>The page with MudBlazor's providers beside it, as in the app layout, so its dialog renders in the same markup.</summary>
    private static void WithProviders(RenderTreeBuilder builder)
    {
        builder.OpenComponent<MudPopoverProvider>(0);
        builder.CloseComponent();
        builder.OpenComponent<MudSnackbarProvider>(1);
        builder.CloseComponent();
        builder.OpenComponent<MudDialogProvider>(2);
        builder.CloseComponent();
        builder.OpenComponent<Console.Web.Components.Pages.Admin.Users>(3);
        builder.CloseComponent();
    }

    public new async ValueTask DisposeAsync()
    {
        File.Delete(_file);
        await _database.DisposeAsync();
        await base.DisposeAsync();
    }
}
