using Npgsql;

namespace Console.E2ETests.Infrastructure;

/// <summary>Ids of the demo inventory, read from the console's own database (the seed gives names, not ids).</summary>
public static class SeededInventory
{
    public static Task<(Guid Id, IReadOnlyDictionary<string, Guid> Components)> VnfAsync(ConsoleApp app, string name) =>
        VnfAsync(app.ConnectionString, name);

    /// <summary>As <see cref="VnfAsync(ConsoleApp, string)"/>, in the database of this connection string (another installation's).</summary>
    public static async Task<(Guid Id, IReadOnlyDictionary<string, Guid> Components)> VnfAsync(string connectionString, string name)
    {
        await using var conn = new NpgsqlConnection(connectionString);
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select v.id, c->>'Name', (c->>'Id')::uuid from mt_doc_vnf v, jsonb_array_elements(v.data->'Components') c " +
            "where v.data->>'Name' = @name", conn);
        command.Parameters.AddWithValue("name", name);
        var components = new Dictionary<string, Guid>();
        var id = Guid.Empty;
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            id = reader.GetGuid(0);
            components[reader.GetString(1)] = reader.GetGuid(2);
        }

        return id == Guid.Empty ? throw new InvalidOperationException($"No VNF named {name} in the seed.") : (id, components);
    }

    public static async Task<Guid> EnvironmentAsync(ConsoleApp app, string name)
    {
        await using var conn = new NpgsqlConnection(app.ConnectionString);
        await conn.OpenAsync();
        await using var command = new NpgsqlCommand("select id from mt_doc_executionenvironment where data->>'Name' = @name", conn);
        command.Parameters.AddWithValue("name", name);
        return await command.ExecuteScalarAsync() as Guid? ?? throw new InvalidOperationException($"No environment named {name}.");
    }
}
