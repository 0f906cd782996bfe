using Console.IntegrationTests.Workflows.Audit.Integrity;
using Console.Testing;
using Console.Workflows.Keys.Hsm;
using Microsoft.Extensions.Configuration;

namespace Console.IntegrationTests.Workflows.Keys.Hsm;

/// <summary>
/// The SoftHSM2 store of the tests, made by <c>infra/hsm/softhsm.sh ensure test</c> (scripts/test runs it and exports
/// its settings; a test run started otherwise runs it here). The module reads <c>SOFTHSM2_CONF</c> once per process,
/// so every test of the process shares the store; each test's trust domains get tokens of their own.
/// </summary>
internal static class SoftHsmStore
{
    private static readonly Lazy<IReadOnlyDictionary<string, string?>> Loaded = new(Load);

    /// <summary><c>Keys:*</c> settings for a host on the store: provider Pkcs11, tokens provisioned on first use.</summary>
    public static IReadOnlyDictionary<string, string?> Settings => Loaded.Value;

    public static Pkcs11Options Options() =>
        Pkcs11Options.From(new ConfigurationBuilder().AddInMemoryCollection(Settings).Build());

    private static Dictionary<string, string?> Load()
    {
        var lines = Environment.GetEnvironmentVariable("SOFTHSM2_CONF") is { Length: > 0 }
                    && Environment.GetEnvironmentVariable("Keys__Pkcs11__PinFile") is { Length: > 0 }
            ? Environment.GetEnvironmentVariables().Keys.Cast<string>()
                .Where(k => k.StartsWith("Keys__Pkcs11__", StringComparison.Ordinal))
                .Select(k => $"{k}={Environment.GetEnvironmentVariable(k)}")
                .ToList()
            : RunScript();

        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines)
        {
            var (name, value) = (line[..line.IndexOf('=', StringComparison.Ordinal)], line[(line.IndexOf('=', StringComparison.Ordinal) + 1)..]);
            if (name == "SOFTHSM2_CONF")
            {
                if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(name)))
                    Environment.SetEnvironmentVariable(name, value);
            }
            else if (name.StartsWith("Keys__Pkcs11__", StringComparison.Ordinal))
            {
                settings[name.Replace("__", ":", StringComparison.Ordinal)] = value;
            }
        }

        settings["Keys:Provider"] = "Pkcs11";
        settings["Keys:Pkcs11:ProvisionTokens"] = "true";
        return settings;
    }

    private static List<string> RunScript() => [.. InfraScript.Settings(TestRepository.Root, "infra/hsm/softhsm.sh", "ensure", "test")];
}
