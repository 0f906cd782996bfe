using Npgsql;

namespace Console.Workflows.Audit.Integrity.Chaining;

/// <summary>
/// The mt_events columns a chain entry covers, in encoding order, and how a row of them goes into an
/// <see cref="EntryBuilder"/> without allocating: text columns are copied as the UTF-8 bytes PostgreSQL sends.
/// </summary>
internal static class EventColumns
{
    /// <summary>seq_id, id, stream_id, version, type, timestamp, tenant_id, mt_dotnet_type, data::text (alias e).</summary>
    public const string Select =
        "e.seq_id, e.id, e.stream_id, e.version, e.type, e.timestamp, e.tenant_id, e.mt_dotnet_type, e.data::text";

    public const int Count = 9;

    /// <summary>Writes the content fields of the event whose columns start at <paramref name="first"/>.</summary>
    public static void Write(NpgsqlDataReader row, int first, EntryBuilder builder)
    {
        builder.Int64(row.GetInt64(first));
        builder.Uuid(row.GetGuid(first + 1));
        builder.Uuid(row.IsDBNull(first + 2) ? null : row.GetGuid(first + 2));
        builder.Int64(row.GetInt64(first + 3));
        Text(row, first + 4, builder);
        builder.Int64(EntryEncoding.ToMicros(row.GetFieldValue<DateTime>(first + 5)));
        Text(row, first + 6, builder);
        Text(row, first + 7, builder);
        Text(row, first + 8, builder);
    }

    /// <summary>The same columns as a record, for the rare paths that need the values themselves.</summary>
    public static ChainedEvent Read(NpgsqlDataReader row, int first) => new(
        row.GetInt64(first),
        row.GetGuid(first + 1),
        row.IsDBNull(first + 2) ? null : row.GetGuid(first + 2),
        row.GetInt64(first + 3),
        row.GetString(first + 4),
        EntryEncoding.ToMicros(row.GetFieldValue<DateTime>(first + 5)),
        row.IsDBNull(first + 6) ? null : row.GetString(first + 6),
        row.IsDBNull(first + 7) ? null : row.GetString(first + 7),
        System.Text.Encoding.UTF8.GetBytes(row.GetString(first + 8)));

    private static void Text(NpgsqlDataReader row, int ordinal, EntryBuilder builder)
    {
        if (row.IsDBNull(ordinal))
        {
            builder.Null();
            return;
        }

        var length = (int)row.GetBytes(ordinal, 0, null, 0, 0);
        var (buffer, offset) = builder.ReserveRaw(length);
        row.GetBytes(ordinal, 0, buffer, offset, length);
    }
}
