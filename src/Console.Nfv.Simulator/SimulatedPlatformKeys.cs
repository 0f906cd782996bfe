using System.Text.Json;
using Console.Workflows.Nfv;
using Marten;

namespace Console.Nfv.Simulator;

/// <summary>
/// The simulated platforms' keys, one owner-only file per subject in <see cref="NfvSimulatorOptions.KeyFolder"/>,
/// never in the console's database: whoever owns the database cannot read or swap a platform's attestation or sealing
/// key (a real platform keeps them in its TPM). Keys an earlier version kept in the database (the
/// <c>nfv_sim_subject_keys</c> documents) move to their file the first time they are used and the row is deleted.
/// </summary>
internal sealed class SimulatedPlatformKeys(IDocumentStore store, Func<string> folder)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private string PathOf(Guid subjectId) => Path.Combine(folder(), subjectId.ToString("N") + ".json");

    /// <summary>The subject's keys, from its file, else moved from the database, else made by <paramref name="create"/>.</summary>
    public async Task<SimulatedSubjectKeys> GetOrCreateAsync(Guid subjectId, Func<SimulatedSubjectKeys> create, CancellationToken ct)
    {
        if (await ReadAsync(subjectId, ct) is { } known)
            return known;
        await using var held = await SubjectLock.TakeAsync(PathOf(subjectId) + ".lock", ct);
        // Whoever held the lock before may have made them meanwhile: the first maker's keys are the platform's keys.
        if (await ReadAsync(subjectId, ct) is { } made)
            return made;
        await using (var query = store.QuerySession())
        {
            if (await query.LoadAsync<SimulatedSubjectKeys>(subjectId, ct) is { } legacy)
            {
                await WriteInPlaceAsync(legacy, ct);
                await using var session = store.LightweightSession();
                session.Delete<SimulatedSubjectKeys>(subjectId);
                await session.SaveChangesAsync(ct);
                return legacy;
            }
        }

        var keys = create();
        await WriteInPlaceAsync(keys, ct);
        return keys;
    }

    /// <summary>
    /// Changes the subject's file (the last nonce a replaying platform presents, its endorsement key) under the
    /// subject's lock, so that two changes at once never undo each other; returns the keys as they now stand.
    /// </summary>
    public async Task<SimulatedSubjectKeys> UpdateAsync(Guid subjectId, Func<SimulatedSubjectKeys, SimulatedSubjectKeys> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        await using var held = await SubjectLock.TakeAsync(PathOf(subjectId) + ".lock", ct);
        var current = await ReadAsync(subjectId, ct) ?? throw new InfrastructureException($"The platform keys of {subjectId} are gone.");
        var changed = change(current);
        if (changed != current)
            await WriteInPlaceAsync(changed, ct);
        return changed;
    }

    // Written aside, then renamed into place: a reader sees a whole file or none. Callers hold the subject's lock.
    private async Task WriteInPlaceAsync(SimulatedSubjectKeys keys, CancellationToken ct)
    {
        Directory.CreateDirectory(folder());
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(folder(), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var path = PathOf(keys.Id);
        var temporary = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await WriteAsync(temporary, keys, FileMode.CreateNew, ct);
        File.Move(temporary, path, overwrite: true);
    }

    private async Task<SimulatedSubjectKeys?> ReadAsync(Guid subjectId, CancellationToken ct)
    {
        var path = PathOf(subjectId);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                return await JsonSerializer.DeserializeAsync<SimulatedSubjectKeys>(file, Json, ct);
            }
            catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
            {
                return null;
            }
            catch (IOException) when (attempt < 20)
            {
                // Another process of this host holds the file for a moment: read again.
                await Task.Delay(25, ct);
            }
        }
    }

    private static async Task WriteAsync(string path, SimulatedSubjectKeys keys, FileMode mode, CancellationToken ct)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        await using var file = new FileStream(path, options);
        await JsonSerializer.SerializeAsync(file, keys, Json, ct);
    }
}
