using Console.Workflows.Accounts;
using Console.Workflows.Common;
using Marten;

namespace Console.IntegrationTests.Infrastructure;

/// <summary>Built-in accounts for tests that act as people of the built-in provider (step-up, four eyes on accounts).</summary>
internal static class TestAccounts
{
    private static readonly DateTimeOffset CreatedAt = new(2026, 1, 5, 8, 0, 0, TimeSpan.Zero);

    /// <summary>Starts the account's stream as seeding would, and returns the person signed in with these roles.</summary>
    public static async Task<Actor> CreateAsync(IDocumentStore store, string userName, string displayName, params string[] roles)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var session = store.LightweightSession();
        var id = UserAccount.IdFor(userName);
        session.Events.StartStream<UserAccount>(id, new AccountCreated(id, userName, displayName, [.. roles], [], "digest", "test:setup", CreatedAt));
        await session.SaveChangesAsync();
        return new Actor(userName, displayName, new HashSet<string>(roles));
    }
}
