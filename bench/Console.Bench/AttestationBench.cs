using System.Globalization;
using System.Security.Cryptography;
using Console.Nfv.Simulator.Tpm;
using Console.Workflows.Attestation;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using PcrValue = Console.Workflows.Attestation.Measurement;

namespace Console.Bench;

/// <summary>
/// scripts/bench --trust, attestation part: the tpm2_quote round trip to a software TPM (infra/tpm/swtpm.sh ensure
/// bench bench-tpm), and how many quotes per second the console verifies: real TPM quotes (TPMS_ATTEST parsed, ECDSA
/// checked, PCR digest recomputed) beside the simulator's signed text quotes, same verifier entry point, same workers.
/// </summary>
public static class AttestationBench
{
    private const string EnvironmentName = "bench-tpm";
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(5);

    public static async Task<IReadOnlyList<Measurement>> RunAsync(int quotes, int verifications, int concurrency)
    {
        var configuration = new ConfigurationBuilder().AddEnvironmentVariables().Build();
        var services = new ServiceCollection()
            .AddLogging(l => l.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton(TimeProvider.System)
            .Configure<TpmAttestationOptions>(configuration.GetSection(TpmAttestationOptions.Section))
            .AddSingleton<Tpm2ToolsAttester>()
            .BuildServiceProvider();
        await using var _ = services;
        var attester = services.GetRequiredService<Tpm2ToolsAttester>();
        var subject = Guid.NewGuid();
        var tpm = attester.For(subject, EnvironmentName)
            ?? throw new InvalidOperationException($"No TPM for {EnvironmentName}: scripts/bench --trust exports the settings of infra/tpm/swtpm.sh.");
        var enrolment = await attester.EnrolmentAsync(subject, EnvironmentName, tpm, CancellationToken.None);
        var registration = new AttestationRegistration(subject, AttestedSubjectKind.Environment, enrolment.KeyId, enrolment.PublicKey, enrolment.ReferenceValues);

        var nonces = Enumerable.Range(0, quotes).Select(_ => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32))).ToArray();
        var evidence = new AttestationEvidence[quotes];
        var index = nonces.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);
        // One TPM answers one command at a time (no resource manager): the round trip is measured with one worker.
        var roundTrip = await Measurement.RunAsync("tpm2_quote round trip", nonces, 1, async nonce =>
        {
            evidence[index[nonce]] = await attester.QuoteAsync(subject, EnvironmentName, tpm, nonce, CancellationToken.None);
            return true;
        });

        using var simulatedKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var simulatedPublic = Convert.ToBase64String(simulatedKey.ExportSubjectPublicKeyInfo());
        var simulated = nonces.Select(n => Simulated(subject, n, enrolment.ReferenceValues, simulatedKey)).ToArray();
        var simulatedRegistration = registration with { KeyId = EvidenceVerifier.KeyIdOf(Convert.FromBase64String(simulatedPublic)), PublicKey = simulatedPublic };

        var work = Enumerable.Range(0, verifications).ToArray();
        var tpmVerify = await Measurement.RunAsync("verify TPM quote", work, concurrency, i =>
        {
            var e = evidence[i % quotes];
            return Task.FromResult(EvidenceVerifier.Verify(e, subject, e.Quote.Nonce, registration, e.Quote.IssuedAt, MaxAge).Accepted);
        });
        var simulatedVerify = await Measurement.RunAsync("verify simulated quote", work, concurrency, i =>
        {
            var e = simulated[i % quotes];
            return Task.FromResult(EvidenceVerifier.Verify(e, subject, e.Quote.Nonce, simulatedRegistration, e.Quote.IssuedAt, MaxAge).Accepted);
        });
        System.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Attestation: {quotes} quotes from {tpm.Tcti} (AK {tpm.AkHandle}, PCRs {tpm.Pcrs}), {verifications} verifications per kind, {concurrency} workers"));
        return [roundTrip, tpmVerify, simulatedVerify];
    }

    /// <summary>Evidence as the simulator makes it: the canonical text quote over the same values, ECDSA P-256 (DER).</summary>
    private static AttestationEvidence Simulated(Guid subject, string nonce, IReadOnlyList<PcrValue> measurements, ECDsa key)
    {
        var quote = new AttestationQuote(AttestedSubjectKind.Environment, subject, nonce, DateTimeOffset.UtcNow, measurements);
        var signature = key.SignData(QuoteEncoding.CanonicalBytes(quote), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        return new AttestationEvidence(quote, EvidenceVerifier.KeyIdOf(key.ExportSubjectPublicKeyInfo()), Convert.ToBase64String(signature));
    }
}
