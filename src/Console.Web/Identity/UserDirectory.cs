using Console.Workflows.Common;
using Marten;
using Microsoft.AspNetCore.Identity;

namespace Console.Web.Identity;

/// <summary>Checks passwords of the built-in provider's users and seeds the demo accounts on first start.</summary>
public sealed class UserDirectory(IDocumentStore store, TimeProvider time, ILogger<UserDirectory> logger)
{
    private static readonly PasswordHasher<ConsoleUser> Hasher = new();

    public async Task<ConsoleUser?> VerifyAsync(string userName, string password, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password) || userName.Length > 100)
        {
            return null;
        }

        await using var session = store.LightweightSession();
        var user = await session.LoadAsync<ConsoleUser>(userName.Trim().ToLowerInvariant(), ct);
        if (user is null || user.Disabled)
        {
            // Hash anyway so that a wrong user name takes as long as a wrong password.
            Hasher.VerifyHashedPassword(new ConsoleUser(), DummyHash, password);
            return null;
        }

        var result = Hasher.VerifyHashedPassword(user, user.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return null;
        }

        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            user.PasswordHash = Hasher.HashPassword(user, password);
        }

        user.LastSignInAt = time.GetUtcNow();
        session.Store(user);
        await session.SaveChangesAsync(ct);
        return user;
    }

    /// <summary>Computes one password hash and throws it away: a refusal that checks nothing still takes as long.</summary>
    public void HashForTiming(string password) => Hasher.VerifyHashedPassword(new ConsoleUser(), DummyHash, password);

    /// <summary>Disables or enables an account; sessions and tokens follow within a minute (see DirectoryRules).</summary>
    public Task<bool> SetDisabledAsync(string id, bool disabled, CancellationToken ct) =>
        ChangeAsync(id, user => user.Disabled = disabled, ct);

    /// <summary>Replaces an account's roles (known roles only); sessions and tokens follow within a minute.</summary>
    public Task<bool> SetRolesAsync(string id, IEnumerable<string> roles, CancellationToken ct)
    {
        var list = roles.Distinct(StringComparer.Ordinal).ToList();
        if (list.FirstOrDefault(r => !Roles.All.Contains(r)) is { } unknown)
            throw new ArgumentException($"Unknown role {unknown}; use {string.Join(", ", Roles.All)}.", nameof(roles));
        return ChangeAsync(id, user => user.Roles = list, ct);
    }

    private async Task<bool> ChangeAsync(string id, Action<ConsoleUser> change, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        var user = await session.LoadAsync<ConsoleUser>(id.Trim().ToLowerInvariant(), ct);
        if (user is null)
            return false;
        change(user);
        session.Store(user);
        await session.SaveChangesAsync(ct);
        logger.LogInformation("Account {UserId} changed: disabled {Disabled}, roles {Roles}", user.Id, user.Disabled, string.Join(",", user.Roles));
        return true;
    }

    public async Task<ConsoleUser?> FindAsync(string id, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<ConsoleUser>(id, ct);
    }

    public async Task<IReadOnlyList<ConsoleUser>> ListAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.Query<ConsoleUser>().OrderBy(u => u.Id).ToListAsync(ct);
    }

    /// <summary>Creates the demo accounts from a tab-separated file, only when no user exists yet.</summary>
    public async Task<int> SeedDemoUsersAsync(string file, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await session.Query<ConsoleUser>().AnyAsync(ct))
        {
            return 0;
        }

        var users = DemoUsersFile.Read(file);
        foreach (var demo in users)
        {
            var user = new ConsoleUser
            {
                Id = demo.UserName,
                DisplayName = demo.DisplayName,
                Roles = [demo.Role],
                Groups = [.. demo.Groups],
                CreatedAt = time.GetUtcNow(),
            };
            user.PasswordHash = Hasher.HashPassword(user, demo.Password);
            session.Store(user);
        }

        await session.SaveChangesAsync(ct);
        logger.LogInformation("Seeded {Count} demo users from {File}", users.Count, file);
        return users.Count;
    }

    private static readonly string DummyHash = Hasher.HashPassword(new ConsoleUser(), Guid.NewGuid().ToString());
}

public sealed record DemoUser(string UserName, string DisplayName, string Role, string Password, IReadOnlyList<string> Groups);

public static class DemoUsersFile
{
    /// <summary>Reads `username, display_name, role, password[, groups]` rows (tab-separated, header line first; groups comma-separated).</summary>
    public static IReadOnlyList<DemoUser> Read(string file)
    {
        var rows = new List<DemoUser>();
        foreach (var line in File.ReadLines(file).Skip(1))
        {
            if (string.IsNullOrWhiteSpace(line) || line.StartsWith('#'))
            {
                continue;
            }

            var cells = line.Split('\t');
            if (cells.Length < 4 || !Roles.All.Contains(cells[2].Trim()))
            {
                throw new InvalidDataException($"{file}: expected 'username<TAB>display name<TAB>role<TAB>password' with a known role, got '{line}'");
            }

            var groups = cells.Length > 4
                ? cells[4].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                : [];
            rows.Add(new DemoUser(cells[0].Trim().ToLowerInvariant(), cells[1].Trim(), cells[2].Trim(), cells[3].Trim(), groups));
        }

        return rows;
    }
}
