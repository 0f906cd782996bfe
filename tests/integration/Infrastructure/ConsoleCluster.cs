using Microsoft.AspNetCore.Mvc.Testing;
using Xunit;

namespace Console.IntegrationTests.Infrastructure;

/// <summary>
/// Two whole consoles (TestServer each) on one fresh database and one key folder, as two nodes of one installation
/// behind a load balancer, in Wolverine's Balanced mode.
/// </summary>
public sealed class ConsoleCluster : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();

    public string Keys { get; } = Path.Combine(Path.GetTempPath(), "console-cluster-tests-" + Guid.NewGuid().ToString("N"));

    public WebApplicationFactory<Program> A { get; private set; } = null!;

    public WebApplicationFactory<Program> B { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        (string, string)[] settings = [("Workflow:DurabilityMode", "Balanced")];
        A = ConsoleWebApp.Node(_database, Keys, settings);
        _ = A.Server;
        B = ConsoleWebApp.Node(_database, Keys, settings);
        _ = B.Server;
    }

    public async ValueTask DisposeAsync()
    {
        if (B is not null)
            await B.DisposeAsync();
        if (A is not null)
            await A.DisposeAsync();
        await _database.DisposeAsync();
        try
        {
            Directory.Delete(Keys, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
