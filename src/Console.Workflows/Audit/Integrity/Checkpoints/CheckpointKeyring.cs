using Console.Workflows.Keys;
using Microsoft.Extensions.Logging;

namespace Console.Workflows.Audit.Integrity.Checkpoints;

/// <summary>
/// Loads the <see cref="CheckpointKeys"/> on first use (generating the embedded default key then), so a host that
/// never signs or verifies never touches the key file, and a misconfigured key is reported where it is needed.
/// </summary>
/// <param name="signing">The signing-key port; without it (hosts wired by hand) the key file of the options is read directly.</param>
public sealed class CheckpointKeyring(AuditIntegrityOptions options, ILogger<CheckpointKeyring> logger, ISigningKeys? signing = null) : IDisposable
{
    private readonly Lock _gate = new();
    private CheckpointKeys? _keys;

    /// <exception cref="InvalidOperationException">The key cannot be read or created; the message says why.</exception>
    public CheckpointKeys Get()
    {
        lock (_gate)
        {
            if (_keys is not null)
                return _keys;
            try
            {
                _keys = signing is null ? CheckpointKeys.Load(options, logger) : CheckpointKeys.Load(options, signing);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new InvalidOperationException(
                    $"The checkpoint signing key {options.EffectiveSigningKeyFile} cannot be read or created: {ex.Message}", ex);
            }

            return _keys;
        }
    }

    public void Dispose()
    {
        lock (_gate)
            _keys?.Dispose();
    }
}
