namespace Console.Nfv.Simulator.Tpm;

/// <summary>
/// Which execution environments attest with a TPM 2.0 (configuration section <c>Attestation:Tpm</c>), keyed by the
/// environment's id or name. <c>infra/tpm/swtpm.sh ensure</c> prints these settings for its software TPMs; a real host
/// gives <c>device:/dev/tpmrm0</c> as its TCTI. Environments not listed keep the simulator's evidence.
/// </summary>
public sealed class TpmAttestationOptions
{
    public const string Section = "Attestation:Tpm";

    public Dictionary<string, TpmEnvironmentOptions> Environments { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>Where tpm2-tools are (empty: the PATH).</summary>
    public string ToolsDirectory { get; set; } = "";

    /// <summary>How long one tpm2_quote may take before the attempt fails.</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal TpmEnvironmentOptions? For(Guid id, string name) =>
        Environments.TryGetValue(id.ToString("D"), out var byId) ? byId
        : Environments.TryGetValue(name, out var byName) ? byName
        : null;
}

/// <summary>One environment's TPM: how to reach it (tpm2-tools TCTI), its attestation key and the PCRs it quotes.</summary>
public sealed class TpmEnvironmentOptions
{
    /// <summary>The tpm2-tools TCTI: <c>swtpm:host=127.0.0.1,port=2321</c>, or <c>device:/dev/tpmrm0</c> on a real host.</summary>
    public string Tcti { get; set; } = "";

    /// <summary>The attestation key's persistent handle (tpm2_evictcontrol), e.g. <c>0x81010002</c>.</summary>
    public string AkHandle { get; set; } = "";

    /// <summary>The attestation key's public part: a PEM file (tpm2_createak -f pem) or a TPM2B_PUBLIC file.</summary>
    public string AkPublicKey { get; set; } = "";

    /// <summary>The endorsement key's public part (PEM), named in the enrolment so an officer can match it to the platform.</summary>
    public string EkPublicKey { get; set; } = "";

    /// <summary>The PCRs quoted, in tpm2-tools' notation.</summary>
    public string Pcrs { get; set; } = "sha256:0,7";
}
