using System.Text;
using Npgsql;

namespace Console.Workflows.Audit.Integrity.Verifying.Documents;

/// <summary>
/// The streams whose creating event (<see cref="IDocumentCheck.CreatingEvents"/>) is stored, per document check: each
/// must still have its document. Verification fills this from the events it already streams for the chain (one
/// comparison of the .NET type per event, no second pass over mt_events); on its own, the document stage reads them
/// with one query.
/// </summary>
public sealed class CreatedStreams
{
    private readonly (byte[] Type, string Name, HashSet<Guid> Streams)[] _creators;
    private readonly Dictionary<IDocumentCheck, HashSet<Guid>[]> _byCheck = [];

    public CreatedStreams(IReadOnlyList<IDocumentCheck> checks)
    {
        ArgumentNullException.ThrowIfNull(checks);
        var byName = new Dictionary<string, HashSet<Guid>>(StringComparer.Ordinal);
        foreach (var check in checks)
        {
            _byCheck[check] = [.. check.CreatingEvents.Select(name => byName.TryGetValue(name, out var set) ? set : byName[name] = [])];
        }

        _creators = [.. byName.Select(p => (Encoding.UTF8.GetBytes(p.Key), p.Key, p.Value))];
    }

    /// <summary>Every creating event's .NET type name.</summary>
    public string[] Names => [.. _creators.Select(c => c.Name)];

    /// <summary>One stored event: remembered when <paramref name="dotNetTypeUtf8"/> names a creating event.</summary>
    public void Observe(ReadOnlySpan<byte> dotNetTypeUtf8, Guid? stream)
    {
        if (stream is not { } id)
            return;
        foreach (var (type, _, streams) in _creators)
        {
            if (type.Length == dotNetTypeUtf8.Length && dotNetTypeUtf8.SequenceEqual(type))
            {
                streams.Add(id);
                return;
            }
        }
    }

    /// <summary>Reads the creating events of <paramref name="events"/> (an mt_events table) after sequence <paramref name="after"/>.</summary>
    public async Task ReadAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string events, long after, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select e.stream_id, e.mt_dotnet_type from {events} e where e.seq_id > @after and e.mt_dotnet_type = any(@creators)",
            connection, transaction);
        command.Parameters.AddWithValue("after", after);
        command.Parameters.AddWithValue("creators", Names);
        command.CommandTimeout = 0;
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (!reader.IsDBNull(0))
                Observe(Encoding.UTF8.GetBytes(reader.GetString(1)), reader.GetGuid(0));
        }
    }

    /// <summary>The streams created by one of <paramref name="check"/>'s creating events.</summary>
    public IEnumerable<Guid> Of(IDocumentCheck check) =>
        _byCheck.TryGetValue(check, out var sets) ? sets.SelectMany(s => s).Distinct() : [];
}
