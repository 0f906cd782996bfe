using Console.Workflows.Common;
using Console.Workflows.Dashboards;
using Console.Workflows.Dashboards.Figures;
using Console.Workflows.Dashboards.Lists;
using Console.Workflows.Dashboards.Trends;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Console.UnitTests.Web.Components.Pages.Dashboards;

/// <summary>The dashboard pages with the fake reader, a clock fixed at <see cref="DashboardFixtures.Now"/>, a manager signed in.</summary>
public abstract class DashboardPageTest : InventoryPageTest
{
    protected DashboardPageTest()
    {
        Services.AddSingleton<IDashboardFiguresReader>(DashboardReader);
        Services.AddSingleton<ISnapshotListReader>(DashboardReader);
        Services.AddSingleton<IComponentListReader>(DashboardReader);
        Services.AddSingleton<ITrendReader>(DashboardReader);
        Services.AddSingleton(Options);
        Services.AddSingleton<TimeProvider>(Clock);
        SignInAs("mia.manager", Roles.Manager);
    }

    protected FakeDashboardReader DashboardReader { get; } = new();

    protected DashboardOptions Options { get; } = new() { RefreshInterval = TimeSpan.FromSeconds(20) };

    protected FakeTimeProvider Clock { get; } = new(DashboardFixtures.Now);
}
