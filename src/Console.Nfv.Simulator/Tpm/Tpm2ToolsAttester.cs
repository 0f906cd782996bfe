using System.Collections.Concurrent;
using System.Diagnostics;
using System.Security.Cryptography;
using Console.Workflows.Attestation;
using Console.Workflows.Attestation.Tpm;
using Console.Workflows.Nfv;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Console.Nfv.Simulator.Tpm;

/// <summary>
/// An environment's attester when it has a TPM: runs <c>tpm2_quote</c> (tpm2-tools, no shell: arguments are passed as
/// a list) over the configured PCRs with the console's nonce as qualifying data, and hands back the TPMS_ATTEST, the
/// TPMT_SIGNATURE and the PCR values exactly as the TPM produced them. It judges nothing: the console verifies.
/// </summary>
public sealed class Tpm2ToolsAttester(IOptionsMonitor<TpmAttestationOptions> options, TimeProvider time, ILogger<Tpm2ToolsAttester> logger)
{
    // Without a resource manager a TPM serves one command stream at a time: one quote per TCTI at once.
    private readonly ConcurrentDictionary<string, SemaphoreSlim> _gates = new(StringComparer.Ordinal);

    /// <summary>The TPM of an environment, if configuration maps one to it.</summary>
    public TpmEnvironmentOptions? For(Guid environmentId, string name) => options.CurrentValue.For(environmentId, name);

    public async Task<AttestationEvidence> QuoteAsync(Guid environmentId, string name, TpmEnvironmentOptions tpm, string nonce, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tpm);
        var (attest, signature, values) = await RunQuoteAsync(name, tpm, TpmQuoteVerifier.NonceBytes(nonce), ct);
        var quote = new AttestationQuote(AttestedSubjectKind.Environment, environmentId, nonce, time.GetUtcNow(), Measurements(name, attest, values));
        return new AttestationEvidence(quote, KeyId(name, tpm), Convert.ToBase64String(signature), new TpmQuoteBytes(Convert.ToBase64String(attest)));
    }

    /// <summary>
    /// What the environment's TPM vouches for at enrolment: its attestation key and the PCR values it quotes now
    /// (trust on first use, as the simulator's enrolment; reference values from a measured reference build replace them).
    /// </summary>
    public async Task<AttestationEnrolment> EnrolmentAsync(Guid environmentId, string name, TpmEnvironmentOptions tpm, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(tpm);
        var (attest, _, values) = await RunQuoteAsync(name, tpm, RandomNumberGenerator.GetBytes(32), ct);
        var ekKey = string.IsNullOrEmpty(tpm.EkPublicKey) || !File.Exists(tpm.EkPublicKey)
            ? null
            : TpmPublicKey.SubjectPublicKeyInfo(await File.ReadAllBytesAsync(tpm.EkPublicKey, ct));
        var ek = ekKey is null ? "no EK public key configured" : "EK " + EvidenceVerifier.KeyIdOf(ekKey)[3..];
        return new AttestationEnrolment(AttestedSubjectKind.Environment, environmentId, KeyId(name, tpm), PublicKey(name, tpm),
            Measurements(name, attest, values),
            $"enrolment of {name} read from its TPM 2.0 ({tpm.Tcti}, AK {tpm.AkHandle}, {ek}; PCR values as quoted at enrolment)",
            ekKey is null ? null : Convert.ToBase64String(ekKey));
    }

    private static string PublicKey(string name, TpmEnvironmentOptions tpm)
    {
        try
        {
            return Convert.ToBase64String(TpmPublicKey.SubjectPublicKeyInfo(File.ReadAllBytes(tpm.AkPublicKey)));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or TpmFormatException or CryptographicException)
        {
            throw new InfrastructureException(
                $"The attestation key of {name}'s TPM cannot be read from '{tpm.AkPublicKey}' (Attestation:Tpm:Environments:{name}:AkPublicKey): {ex.Message}", ex);
        }
    }

    private static string KeyId(string name, TpmEnvironmentOptions tpm) => EvidenceVerifier.KeyIdOf(Convert.FromBase64String(PublicKey(name, tpm)));

    /// <summary>The quoted PCR values as measurements named like tpm2-tools' PCR list (<c>sha256:7</c>), in the quote's order.</summary>
    private static List<Measurement> Measurements(string name, byte[] attest, byte[] values)
    {
        TpmQuoteInfo info;
        try
        {
            info = TpmQuoteInfo.Parse(attest);
        }
        catch (TpmFormatException ex)
        {
            throw new InfrastructureException($"The TPM of {name} returned a quote that cannot be read: {ex.Message}", ex);
        }

        var measurements = new List<Measurement>();
        var offset = 0;
        foreach (var selection in info.PcrSelections)
        {
            var size = HashSize(selection.HashAlgorithm);
            foreach (var register in selection.Registers)
            {
                if (offset + size > values.Length)
                    throw new InfrastructureException($"The TPM of {name} returned fewer PCR values than its quote selects.");
                measurements.Add(new Measurement(register, Convert.ToHexStringLower(values.AsSpan(offset, size))));
                offset += size;
            }
        }

        return measurements;
    }

    private static int HashSize(ushort alg) => alg switch
    {
        TpmAlgorithm.Sha1 => 20,
        TpmAlgorithm.Sha256 => 32,
        TpmAlgorithm.Sha384 => 48,
        TpmAlgorithm.Sha512 => 64,
        _ => throw new InfrastructureException($"PCR bank 0x{alg:x4} is not supported."),
    };

    private async Task<(byte[] Attest, byte[] Signature, byte[] PcrValues)> RunQuoteAsync(
        string name, TpmEnvironmentOptions tpm, byte[] qualifyingData, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(tpm.Tcti) || string.IsNullOrWhiteSpace(tpm.AkHandle))
            throw new InfrastructureException($"The TPM of {name} needs Attestation:Tpm:Environments:{name}:Tcti and :AkHandle.");
        var settings = options.CurrentValue;
        var work = Directory.CreateTempSubdirectory("vnf-quote-");
        var gate = _gates.GetOrAdd(tpm.Tcti, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(ct);
        try
        {
            string File(string n) => Path.Combine(work.FullName, n);
            await RunAsync(settings, name, tpm.Tcti, "tpm2_quote",
                ["-c", tpm.AkHandle, "-l", tpm.Pcrs, "-q", Convert.ToHexStringLower(qualifyingData), "-g", "sha256",
                 "-m", File("attest"), "-s", File("signature"), "-o", File("pcrs"), "-F", "values"], ct);
            return (await System.IO.File.ReadAllBytesAsync(File("attest"), ct),
                await System.IO.File.ReadAllBytesAsync(File("signature"), ct),
                await System.IO.File.ReadAllBytesAsync(File("pcrs"), ct));
        }
        finally
        {
            gate.Release();
            work.Delete(recursive: true);
        }
    }

    /// <summary>
    /// The line of tpm2-tools' output that says why, e.g. "Esys_Quote(0x921) - tpm:warn(2.0): ... DA lockout mode",
    /// rather than its closing "Unable to run tpm2_quote".
    /// </summary>
    private static string Reason(string error)
    {
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return lines.FirstOrDefault(l => l.StartsWith("ERROR: ", StringComparison.Ordinal) && !l.Contains("Unable to run", StringComparison.Ordinal))
            ?? lines.LastOrDefault()
            ?? "no message";
    }

    private async Task RunAsync(TpmAttestationOptions settings, string name, string tcti, string tool, IEnumerable<string> arguments, CancellationToken ct)
    {
        var start = new ProcessStartInfo(string.IsNullOrEmpty(settings.ToolsDirectory) ? tool : Path.Combine(settings.ToolsDirectory, tool))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        start.Environment["TPM2TOOLS_TCTI"] = tcti;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(settings.CommandTimeout);
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InfrastructureException($"{tool} cannot be started ({ex.Message}); install tpm2-tools (infra/tpm/swtpm.sh does).", ex);
        }

        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new InfrastructureException($"The TPM of {name} ({tcti}) did not answer {tool} within {settings.CommandTimeout.TotalSeconds:0} s.");
        }

        await output;
        var error = (await errors).Trim();
        if (process.ExitCode != 0)
        {
            logger.LogWarning("{Tool} for {Environment} failed ({ExitCode}): {Error}", tool, name, process.ExitCode, error);
            throw new InfrastructureException(
                $"The TPM of {name} ({tcti}) refused {tool} (exit {process.ExitCode}): {Reason(error)}");
        }
    }
}
