using Bunit;
using Console.UnitTests.Infrastructure;
using Console.Web.Components.Pages.Admin;
using Console.Web.Hosting;
using Console.Web.Identity;
using Console.Workflows.Accounts;
using Console.Workflows.Common;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;
using Xunit;

namespace Console.UnitTests.Web.Components.Pages.Admin;

/// <summary>The users page on the real directory (PostgreSQL): an administrator changes an account in the dialog.</summary>
public sealed class UsersPageTests : RequestPageTest, IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private readonly string _file = Path.Combine(Path.GetTempPath(), $"users-{Guid.NewGuid():N}.tsv");

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        await File.WriteAllTextAsync(_file, "username\tdisplay_name\trole\tpassword\nolga\tOlga Operator\tNocOperator\tOlga#2026\n",
            Xunit.TestContext.Current.CancellationToken);
        var directory = new UserDirectory(_database.Store, TimeProvider.System, NullLogger<UserDirectory>.Instance);
        await directory.SeedDemoUsersAsync(_file, Xunit.TestContext.Current.CancellationToken);
        Services.AddSingleton(directory);
        Services.AddSingleton(new ConsoleOptions());
        Services.AddScoped<IAccountCommands>(_ => new MartenAccountCommands(_database.Store.LightweightSession(), TimeProvider.System));
    }

    [Fact]
    public async Task Users_AdministratorGrantsARoleInTheDialog_TheChangeIsRecordedWithWhoAndWhy()
    {
        SignInAsAdministrator();
        var cut = RenderWithDialogs<Console.Web.Components.Pages.Admin.Users>();
        cut.WaitForAssertion(() => cut.Find("button[data-testid=change-account-olga]"));

        cut.Find("button[data-testid=change-account-olga]").Click();
        cut.WaitForAssertion(() => cut.Find("button[data-testid=account-save]"));
        cut.Find("[data-testid=account-role-NocApprover] input, input[data-testid=account-role-NocApprover]").Change(true);
        cut.Find("button[data-testid=account-save]").Click();
        cut.WaitForAssertion(() => cut.Markup.ShouldContain("Say why the account changes."));
        cut.Find("textarea[data-testid=account-reason]").Input("Joins the approver rota");
        cut.Find("button[data-testid=account-save]").Click();

        cut.WaitForAssertion(() => Snackbar.ShownSnackbars.ShouldHaveSingleItem());
        await using var session = _database.Store.QuerySession();
        var changed = (await session.Events.FetchStreamAsync(UserAccount.IdFor("olga"), token: Xunit.TestContext.Current.CancellationToken))[^1]
            .Data.ShouldBeOfType<AccountRolesChanged>();
        changed.Roles.ShouldBe([Roles.NocOperator, Roles.NocApprover]);
        (changed.By, changed.Reason).ShouldBe(("ada.admin", "Joins the approver rota"));
    }

    public new async ValueTask DisposeAsync()
    {
        File.Delete(_file);
        await _database.DisposeAsync();
        await base.DisposeAsync();
    }
}
