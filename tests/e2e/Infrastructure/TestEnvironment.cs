namespace Console.E2ETests.Infrastructure;

public static class TestEnvironment
{
    public static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the tests through scripts/test, which starts PostgreSQL and sets it.");

    public static IReadOnlyList<DemoAccount> DemoAccounts { get; } = ReadAccounts();

    public static DemoAccount Account(string userName) => DemoAccounts.Single(a => a.UserName == userName);

    private static List<DemoAccount> ReadAccounts() =>
        [.. File.ReadLines(Path.Combine(TestRepository.Root, "infra", "demo", "users.tsv")).Skip(1)
            .Where(l => !string.IsNullOrWhiteSpace(l) && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .Select(c => new DemoAccount(c[0].Trim(), c[1].Trim(), c[2].Trim(), c[3].Trim())
            {
                TotpSecret = c.Length > 5 && c[5].Trim().Length > 0 ? c[5].Trim() : null,
            })];
}

public sealed record DemoAccount(string UserName, string DisplayName, string Role, string Password)
{
    /// <summary>The authenticator secret the demo seeding enrols for approvers (infra/demo/users.tsv, column totp_secret).</summary>
    public string? TotpSecret { get; init; }

    /// <summary>
    /// The code the person's authenticator app shows <paramref name="stepsAhead"/> steps from now (the console accepts
    /// the next step too): one step ahead when another test of the same person just used the current one.
    /// </summary>
    /// <summary>A code of this person's demo authenticator that no earlier test of this run sent (see <see cref="DemoAuthenticators.FreshCodeAsync"/>).</summary>
    public Task<string> StepUpCodeAsync() => DemoAuthenticators.FreshCodeAsync(UserName);
}
