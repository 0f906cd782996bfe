using Console.Workflows.Accounts.SteppingUp;

namespace Console.Testing;

/// <summary>
/// The authenticator codes of the demo accounts (the secrets the demo seeding enrols, infra/demo/users.tsv column
/// totp_secret), for tests that approve step-up work as a demo person would with their phone.
/// </summary>
internal static class DemoAuthenticators
{
    private static readonly Lazy<Dictionary<string, string>> Secrets = new(() =>
        File.ReadLines(Path.Combine(TestRepository.Root, "infra", "demo", "users.tsv")).Skip(1)
            .Where(l => !string.IsNullOrWhiteSpace(l) && !l.StartsWith('#'))
            .Select(l => l.Split('\t'))
            .Where(c => c.Length > 5 && c[5].Trim().Length > 0)
            .ToDictionary(c => c[0].Trim(), c => c[5].Trim()));

    // The latest time step this test process has given a code of, per person: the console accepts each step once.
    private static readonly Dictionary<string, long> LastStep = new(StringComparer.Ordinal);

    /// <summary>The code <paramref name="userName"/>'s app shows <paramref name="stepsAhead"/> 30-second steps from now.</summary>
    public static string Code(string userName, int stepsAhead = 0) =>
        TotpCodes.CodeAt(Secret(userName), DateTimeOffset.UtcNow.AddSeconds(30 * stepsAhead));

    /// <summary>
    /// A code of <paramref name="userName"/>'s app that no earlier call in this process gave: the current step's, or
    /// the next step's (the console accepts one step of clock drift) when the current one was given already, waiting
    /// for the clock when both were, as a person waits for their app's next code. Tests that share one console and one
    /// demo person thus never send a code the console has seen ("already used").
    /// </summary>
    public static async Task<string> FreshCodeAsync(string userName, CancellationToken ct = default)
    {
        var secret = Secret(userName);
        while (true)
        {
            var now = DateTimeOffset.UtcNow;
            var current = TotpCodes.StepOf(now);
            lock (LastStep)
            {
                var step = Math.Max(current, LastStep.GetValueOrDefault(userName) + 1);
                if (step <= current + 1)
                {
                    LastStep[userName] = step;
                    return TotpCodes.CodeAt(secret, DateTimeOffset.FromUnixTimeSeconds(step * 30));
                }
            }

            // Both steps the console would accept now were given: wait for the next step to begin.
            await Task.Delay(DateTimeOffset.FromUnixTimeSeconds((current + 1) * 30) - now + TimeSpan.FromMilliseconds(50), ct);
        }
    }

    private static byte[] Secret(string userName) =>
        TotpCodes.Decode(Secrets.Value.TryGetValue(userName, out var secret) ? secret : throw new InvalidOperationException($"{userName} has no demo authenticator."))!;
}
