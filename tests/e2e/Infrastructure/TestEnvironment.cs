namespace Console.E2ETests.Infrastructure;

public static class TestEnvironment
{
    public static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: run the tests through scripts/test, which starts PostgreSQL and sets it.");

    public static string RepoRoot
    {
        get
        {
            if (Environment.GetEnvironmentVariable("CONSOLE_REPO_ROOT") is { Length: > 0 } root)
            {
                return root;
            }

            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Console.sln")))
            {
                dir = dir.Parent;
            }

            return dir?.FullName ?? throw new InvalidOperationException("Console.sln not found above the test binaries; set CONSOLE_REPO_ROOT.");
        }
    }

    public static IReadOnlyList<DemoAccount> DemoAccounts { get; } = ReadAccounts();

    public static DemoAccount Account(string userName) => DemoAccounts.Single(a => a.UserName == userName);

    private static List<DemoAccount> ReadAccounts() =>
        [.. File.ReadLines(Path.Combine(RepoRoot, "infra", "demo", "users.tsv")).Skip(1)
            .Where(l => !string.IsNullOrWhiteSpace(l) && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .Select(c => new DemoAccount(c[0].Trim(), c[1].Trim(), c[2].Trim(), c[3].Trim()))];
}

public sealed record DemoAccount(string UserName, string DisplayName, string Role, string Password);
