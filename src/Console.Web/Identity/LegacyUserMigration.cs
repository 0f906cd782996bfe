using System.Text.Json;
using Console.Workflows.Accounts;
using Console.Workflows.Accounts.Migrating;
using Console.Workflows.Common;
using Marten;
using Npgsql;

namespace Console.Web.Identity;

/// <summary>
/// Databases from before event-sourced accounts keep their people in console_user documents, which nothing reads any
/// more. At the first start on a database each such row without an account stream becomes one
/// (<see cref="MigrateLegacyUserDecider"/>), with its password hash in the account's credential, so those people still
/// sign in and the log covers their roles. The migration is recorded (<see cref="LegacyAccountsMigrated"/>, also on a
/// database that has no such rows) and never runs again: a console_user row a database owner inserts later grants
/// nothing at the next restart. The old rows are left as they were (the runtime role may not drop the table).
/// </summary>
public sealed class LegacyUserMigration(IDocumentStore store, TimeProvider time, ILogger<LegacyUserMigration> logger)
{
    public const string LegacyTable = "mt_doc_console_user";

    /// <returns>How many accounts were created; null when the migration had been made already (here or by another node).</returns>
    public async Task<int?> MigrateAsync(CancellationToken ct)
    {
        // Nodes starting together take turns: the first migrates, the others find it done.
        var migrated = await StreamTurn.FirstAsync(store, MigrateLegacyUserDecider.StreamId, async (session, transaction) =>
        {
            var now = time.GetUtcNow();
            var created = 0;
            foreach (var user in await ReadLegacyUsersAsync(transaction, ct))
            {
                var id = UserAccount.IdFor(user.UserName);
                // The stream decides, not the document: an account whose document was deleted is not created a second time.
                var exists = await session.Events.FetchStreamStateAsync(id, ct) is not null;
                var decision = MigrateLegacyUserDecider.Decide(user, exists, now);
                if (decision.Refusal is { } refusal)
                {
                    logger.LogWarning("console_user row {UserName} not migrated: {Reason}", user.UserName, refusal.Message);
                    continue;
                }

                if (decision.Events.Count == 0)
                    continue;
                session.Events.StartStream<UserAccount>(id, decision.Events);
                session.Store(new AccountCredential { Id = id, PasswordHash = user.PasswordHash, LastSignInAt = user.LastSignInAt });
                created++;
            }

            session.Events.StartStream(MigrateLegacyUserDecider.StreamId, new LegacyAccountsMigrated(created, MigrateLegacyUserDecider.By, now));
            await session.SaveChangesAsync(ct);
            return created;
        }, ct);
        if (migrated is > 0)
            logger.LogInformation("Migrated {Count} console_user rows into account streams; such rows are not read again", migrated);
        return migrated;
    }

    private async Task<List<LegacyUser>> ReadLegacyUsersAsync(NpgsqlTransaction transaction, CancellationToken ct)
    {
        var table = $"{store.Options.DatabaseSchemaName}.{LegacyTable}";
        var connection = transaction.Connection!;
        await using (var exists = new NpgsqlCommand("select to_regclass(@table) is not null", connection, transaction))
        {
            exists.Parameters.AddWithValue("table", table);
            if (await exists.ExecuteScalarAsync(ct) is not true)
                return [];
        }

        var users = new List<LegacyUser>();
        await using var command = new NpgsqlCommand($"select data::text from {table} order by id", connection, transaction);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (Parse(reader.GetString(0)) is { } user)
                users.Add(user);
            else
                logger.LogWarning("A console_user row without a user name was not migrated");
        }

        return users;
    }

    /// <summary>A console_user document as the console stored it (ConsoleUser: Id, DisplayName, Roles, Groups, PasswordHash, Disabled, LastSignInAt).</summary>
    private static LegacyUser? Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        string? Text(string name) => Get(root, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() : null;
        List<string> List(string name) => Get(root, name) is { ValueKind: JsonValueKind.Array } value
            ? [.. value.EnumerateArray().Where(v => v.ValueKind == JsonValueKind.String).Select(v => v.GetString()!)]
            : [];
        var userName = Text("Id");
        if (string.IsNullOrWhiteSpace(userName))
            return null;
        DateTimeOffset? lastSignIn = Get(root, "LastSignInAt") is { ValueKind: JsonValueKind.String } at && at.TryGetDateTimeOffset(out var when)
            ? when
            : null;
        return new LegacyUser(userName, Text("DisplayName") ?? "", List("Roles"), List("Groups"), Text("PasswordHash") ?? "",
            Get(root, "Disabled") is { ValueKind: JsonValueKind.True }, lastSignIn);
    }

    private static JsonElement? Get(JsonElement root, string name)
    {
        if (root.ValueKind != JsonValueKind.Object)
            return null;
        foreach (var property in root.EnumerateObject())
        {
            if (string.Equals(property.Name, name, StringComparison.OrdinalIgnoreCase))
                return property.Value;
        }

        return null;
    }
}
