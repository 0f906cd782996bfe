namespace Console.Testing;

/// <summary>Where the repository is, for tests that run its scripts or read its files (demo accounts, captured data).</summary>
internal static class TestRepository
{
    public static string Root
    {
        get
        {
            if (Environment.GetEnvironmentVariable("CONSOLE_REPO_ROOT") is { Length: > 0 } root)
                return root;
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Console.sln")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Console.sln not found above the test binaries; set CONSOLE_REPO_ROOT.");
        }
    }
}
