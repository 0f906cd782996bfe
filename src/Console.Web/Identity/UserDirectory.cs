using Console.Workflows.Accounts;
using Console.Workflows.Accounts.Creating;
using Console.Workflows.Accounts.EnrollingSecondFactor;
using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Common;
using Marten;
using Microsoft.AspNetCore.Identity;

namespace Console.Web.Identity;

/// <summary>
/// Checks passwords of the built-in provider's users and seeds the demo accounts on first start. Accounts are
/// event-sourced (<see cref="UserAccount"/>); administrators change them with <see cref="ChangeAccountRoles"/> and <see cref="SetAccountDisabled"/> through the command bus.
/// </summary>
public sealed class UserDirectory(IDocumentStore store, TimeProvider time, SecondFactorSecrets secondFactors, ILogger<UserDirectory> logger)
{
    private static readonly PasswordHasher<UserAccount> Hasher = new();

    /// <summary>Who creates the seeded accounts: the console itself, from the demo users file.</summary>
    public const string SeededBy = "system:demo-users-file";

    public async Task<ConsoleUser?> VerifyAsync(string userName, string password, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password) || userName.Length > 100)
        {
            return null;
        }

        await using var session = store.LightweightSession();
        var user = await LoadAsync(session, userName, ct);
        if (user?.Credential is not { } credential || user.Disabled || !PinnedByTheLog(user.Account, credential))
        {
            // Hash anyway so that a wrong user name takes as long as a wrong password.
            HashForTiming(password);
            return null;
        }

        var result = Hasher.VerifyHashedPassword(user.Account, credential.PasswordHash, password);
        if (result == PasswordVerificationResult.Failed)
        {
            return null;
        }

        var now = time.GetUtcNow();
        if (result == PasswordVerificationResult.SuccessRehashNeeded)
        {
            credential.PasswordHash = Hasher.HashPassword(user.Account, password);
            session.Events.Append(user.Account.Id, new AccountPasswordRehashed(
                user.Account.Id, user.Id, UserAccount.DigestOf(credential.PasswordHash), "system:sign-in", now));
        }

        // The sign-in time is shown to administrators only; it decides nothing, so it is a plain field, not an event.
        credential.LastSignInAt = now;
        session.Store(credential);
        await session.SaveChangesAsync(ct);
        return await FindAsync(user.Id, ct);
    }

    /// <summary>
    /// The stored hash is the one the account's events name. A hash replaced in the table (to sign in as someone) is
    /// refused here, and the account document that would have to be edited with it is caught by verification.
    /// </summary>
    private bool PinnedByTheLog(UserAccount account, AccountCredential credential)
    {
        if (string.Equals(UserAccount.DigestOf(credential.PasswordHash), account.PasswordDigest, StringComparison.Ordinal))
            return true;
        logger.LogWarning("Sign-in refused for {UserId}: the stored password hash is not the one its account events name", account.UserName);
        return false;
    }

    /// <summary>Computes one password hash and throws it away: a refusal that checks nothing still takes as long.</summary>
    public void HashForTiming(string password) => Hasher.VerifyHashedPassword(Placeholder, DummyHash, password);

    public async Task<ConsoleUser?> FindAsync(string id, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await LoadAsync(session, id, ct);
    }

    private static async Task<ConsoleUser?> LoadAsync(IQuerySession session, string userName, CancellationToken ct)
    {
        var id = UserAccount.IdFor(userName);
        var account = await session.LoadAsync<UserAccount>(id, ct);
        return account is null ? null : new ConsoleUser(account, await session.LoadAsync<AccountCredential>(id, ct));
    }

    public async Task<IReadOnlyList<ConsoleUser>> ListAsync(CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var accounts = await session.Query<UserAccount>().OrderBy(u => u.UserName).ToListAsync(ct);
        var credentials = (await session.LoadManyAsync<AccountCredential>(ct, accounts.Select(a => a.Id))).ToDictionary(c => c.Id);
        return [.. accounts.Select(a => new ConsoleUser(a, credentials.GetValueOrDefault(a.Id)))];
    }

    /// <summary>Creates the demo accounts from a tab-separated file, only when no account exists yet.</summary>
    public async Task<int> SeedDemoUsersAsync(string file, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        if (await session.Query<UserAccount>().AnyAsync(ct))
        {
            return 0;
        }

        var users = DemoUsersFile.Read(file);
        var now = time.GetUtcNow();
        foreach (var demo in users)
        {
            var hash = Hasher.HashPassword(Placeholder, demo.Password);
            var decision = CreateAccountDecider.Decide(
                new NewAccount(demo.UserName, demo.DisplayName, [demo.Role], demo.Groups, hash), null, SeededBy, now);
            if (decision.Refusal is { } refusal)
                throw new InvalidDataException($"{file}: {refusal.Message}");
            var id = UserAccount.IdFor(demo.UserName);
            session.Events.StartStream<UserAccount>(id, decision.Events);
            session.Store(new AccountCredential { Id = id, PasswordHash = hash });
            if (demo.TotpSecret is { } secret)
                EnrolDemoSecondFactor(session, demo, secret, now);
        }

        await session.SaveChangesAsync(ct);
        logger.LogInformation("Seeded {Count} demo users from {File}", users.Count, file);
        return users.Count;
    }

    /// <summary>
    /// A demo approver's authenticator, enrolled with the known secret of the demo users file so the demo and the e2e
    /// tests can compute its codes; through the same deciders as a person's enrolment. Demo only: a real account's
    /// secret is made at random on its profile page and never written down.
    /// </summary>
    private void EnrolDemoSecondFactor(IDocumentSession session, DemoUser demo, string secret, DateTimeOffset now)
    {
        var actor = new Actor(demo.UserName, demo.DisplayName, new HashSet<string> { demo.Role });
        var account = new UserAccount(UserAccount.IdFor(demo.UserName), demo.UserName, demo.DisplayName, [demo.Role], demo.Groups, false, "", now);
        var started = SecondFactorDecider.Start(new StartSecondFactorEnrolment(secret), account, null, actor, now);
        if (started.Refusal is { } refusal)
            throw new InvalidDataException($"The demo secret of {demo.UserName}: {refusal.Message}");
        var pending = SecondFactor.Create((SecondFactorEnrolmentStarted)started.Events.Single());
        var bytes = TotpCodes.Decode(secret)!;
        // The confirming code is of the step before now, so the demo person's current code still works right away.
        var confirmed = SecondFactorDecider.Confirm(
            new ConfirmSecondFactor(TotpCodes.CodeAt(bytes, now.AddSeconds(-30)), RecoveryCodes.New()), account, pending, bytes, actor, now);
        if (confirmed.Refusal is { } notConfirmed)
            throw new InvalidDataException($"The demo secret of {demo.UserName}: {notConfirmed.Message}");
        session.Events.StartStream<SecondFactor>(pending.Id, [.. started.Events, .. confirmed.Events]);
        session.Store(secondFactors.Protect(pending.Id, demo.UserName, bytes));
    }

    // The hasher ignores the user it is given (its default implementation), so one placeholder serves every account.
    private static readonly UserAccount Placeholder = new(Guid.Empty, "", "", [], [], false, "", default);

    private static readonly string DummyHash = Hasher.HashPassword(Placeholder, Guid.NewGuid().ToString());
}

public sealed record DemoUser(string UserName, string DisplayName, string Role, string Password, IReadOnlyList<string> Groups)
{
    /// <summary>The demo approver's authenticator secret (base32), enrolled at seeding; null for people who approve nothing.</summary>
    public string? TotpSecret { get; init; }
}

public static class DemoUsersFile
{
    /// <summary>Reads `username, display_name, role, password[, groups[, totp_secret]]` rows (tab-separated, header line first; groups comma-separated).</summary>
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
            rows.Add(new DemoUser(cells[0].Trim().ToLowerInvariant(), cells[1].Trim(), cells[2].Trim(), cells[3].Trim(), groups)
            {
                TotpSecret = cells.Length > 5 && !string.IsNullOrWhiteSpace(cells[5]) ? cells[5].Trim() : null,
            });
        }

        return rows;
    }
}
