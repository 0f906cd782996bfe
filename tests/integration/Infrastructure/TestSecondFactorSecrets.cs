using Console.Workflows.Accounts.EnrollingSecondFactor;
using Console.Workflows.Accounts.SteppingUp;
using Console.Workflows.Common;
using Console.Workflows.Keys;
using Microsoft.Extensions.Logging.Abstractions;
using Shouldly;

namespace Console.IntegrationTests.Infrastructure;

/// <summary>Second factors of the tests' built-in accounts, enrolled through the command bus as a person would.</summary>
internal static class TestSecondFactorSecrets
{
    /// <summary>The second-factor key of the tests' key folder, for tests that build a <c>UserDirectory</c> themselves.</summary>
    public static SecondFactorSecrets Create() => new(
        new KeyStoreOptions { Folder = Path.Combine(Path.GetTempPath(), "vnf-console-test-keys") }, NullLogger<SecondFactorSecrets>.Instance);

    /// <summary>
    /// Enrols an authenticator for a person who has a built-in account; returns its secret (what their app holds) and
    /// recovery codes. The code of the step before now confirms it, so the current code is still unused.
    /// </summary>
    public static async Task<(byte[] Secret, IReadOnlyList<string> RecoveryCodes)> EnrolAsync(WorkflowHost host, Actor person)
    {
        ArgumentNullException.ThrowIfNull(host);
        var secret = TotpCodes.NewSecret();
        var bytes = TotpCodes.Decode(secret)!;
        var started = await host.With<IConsoleCommandBus, Outcome>(b => b.IssueAsync(new StartSecondFactorEnrolment(secret), person));
        started.Succeeded.ShouldBeTrue(started.Refusal?.Message);
        var codes = RecoveryCodes.New();
        var confirmed = await host.With<IConsoleCommandBus, Outcome>(b => b.IssueAsync(
            new ConfirmSecondFactor(TotpCodes.CodeAt(bytes, DateTimeOffset.UtcNow.AddSeconds(-30)), codes), person));
        confirmed.Succeeded.ShouldBeTrue(confirmed.Refusal?.Message);
        return (bytes, codes);
    }
}
