using Console.UnitTests.Web.Components.Pages.Inventory;
using Console.Workflows.Audit.History;
using Console.Workflows.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace Console.UnitTests.Web.Components.Pages.History;

/// <summary>History page tests: the inventory context, an in-memory history, and an auditor signed in.</summary>
public abstract class HistoryPageTest : InventoryPageTest
{
    public static readonly DateTimeOffset Now = new(2026, 3, 2, 10, 0, 0, TimeSpan.Zero);

    protected HistoryPageTest()
    {
        Services.AddSingleton<IHistoryReader>(History);
        Services.AddSingleton(Live);
        World = InventoryScenarios.WithThirtyVnfs(Inventory);
        SignInAs("aiko.auditor", Roles.Auditor);
    }

    protected FakeHistoryReader History { get; } = new();

    /// <summary>The real notices the history's relay raises when the daemon commits rows (<c>Live.Raise(seq)</c>).</summary>
    protected HistoryNotifications Live { get; } = new(NullLogger<HistoryNotifications>.Instance);

    protected InventoryScenarios.CoreAndEdge World { get; }
}
