using Microsoft.Extensions.Configuration;

namespace Console.Workflows.Keys.Hsm;

/// <summary>
/// The PKCS#11 token holding the key-encryption keys (configuration section <c>Keys:Pkcs11</c>, used when
/// <c>Keys:Provider</c> is <c>Pkcs11</c>). One token per trust domain. A real HSM changes only the module, the token
/// labels and where the PIN comes from; the embedded default (SoftHSM2, <c>infra/hsm/softhsm.sh</c>) also provisions a
/// domain's token on first use.
/// </summary>
public sealed class Pkcs11Options
{
    public const string Section = "Keys:Pkcs11";

    /// <summary>The vendor's PKCS#11 library.</summary>
    public string ModulePath { get; set; } = "/usr/lib/softhsm/libsofthsm2.so";

    /// <summary>
    /// Label of a trust domain's token; <c>{domain}</c> is the domain id as 32 hex digits, <c>{domain12}</c> its first
    /// 12. A token label has at most 32 bytes.
    /// </summary>
    public string TokenLabelPattern { get; set; } = "vnf-kek-{domain12}";

    /// <summary>
    /// Label of the token holding the console's signing keys (audit checkpoints, snapshot manifests); its PIN comes from
    /// the same <see cref="PinFile"/> or <see cref="PinEnvironmentVariable"/> (<c>{domain}</c> expands to zeros).
    /// </summary>
    public string SigningTokenLabel { get; set; } = "vnf-signing";

    /// <summary>Explicit labels by trust domain id, for tokens an HSM's administrators named themselves.</summary>
    public Dictionary<Guid, string> TokenLabels { get; set; } = [];

    /// <summary>File holding the user PIN (owner-only); <c>{domain}</c>/<c>{domain12}</c> as in the label pattern.</summary>
    public string? PinFile { get; set; }

    /// <summary>Environment variable holding the user PIN, when there is no <see cref="PinFile"/>.</summary>
    public string? PinEnvironmentVariable { get; set; }

    /// <summary>
    /// Initialise a missing domain token on a free slot (C_InitToken with the SO PIN, then the user PIN). For SoftHSM;
    /// a real HSM's tokens are made by its administrators and this stays off.
    /// </summary>
    public bool ProvisionTokens { get; set; }

    public string? SoPinFile { get; set; }

    public string? SoPinEnvironmentVariable { get; set; }

    /// <summary>Sessions kept open per token; PKCS#11 sessions serve one thread at a time.</summary>
    public int SessionsPerToken { get; set; } = 4;

    public string TokenLabelFor(Guid trustDomainId)
    {
        var label = TokenLabels.TryGetValue(trustDomainId, out var named)
            ? named
            : Expand(TokenLabelPattern, trustDomainId);
        if (string.IsNullOrWhiteSpace(label) || System.Text.Encoding.UTF8.GetByteCount(label) > 32)
            throw new InvalidOperationException(
                $"The token label '{label}' for trust domain {trustDomainId:D} must have 1 to 32 bytes; check {Section}:TokenLabelPattern.");
        return label;
    }

    public string UserPin(Guid trustDomainId) => ReadPin(PinFile, PinEnvironmentVariable, trustDomainId, "PinFile", "PinEnvironmentVariable");

    public string SoPin(Guid trustDomainId) => ReadPin(SoPinFile, SoPinEnvironmentVariable, trustDomainId, "SoPinFile", "SoPinEnvironmentVariable");

    public static Pkcs11Options From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return configuration.GetSection(Section).Get<Pkcs11Options>() ?? new Pkcs11Options();
    }

    private static string ReadPin(string? file, string? variable, Guid trustDomainId, string fileSetting, string variableSetting)
    {
        if (!string.IsNullOrWhiteSpace(file))
        {
            var path = Expand(file, trustDomainId);
            if (!File.Exists(path))
                throw new InvalidOperationException($"The PIN file {path} ({Section}:{fileSetting}) does not exist.");
            return File.ReadAllText(path).Trim();
        }

        if (!string.IsNullOrWhiteSpace(variable))
            return Environment.GetEnvironmentVariable(variable) is { Length: > 0 } pin
                ? pin
                : throw new InvalidOperationException($"The environment variable {variable} ({Section}:{variableSetting}) is not set.");

        throw new InvalidOperationException($"No PIN source: set {Section}:{fileSetting} or {Section}:{variableSetting}.");
    }

    private static string Expand(string pattern, Guid trustDomainId) => pattern
        .Replace("{domain12}", trustDomainId.ToString("N")[..12], StringComparison.Ordinal)
        .Replace("{domain}", trustDomainId.ToString("N"), StringComparison.Ordinal);
}
