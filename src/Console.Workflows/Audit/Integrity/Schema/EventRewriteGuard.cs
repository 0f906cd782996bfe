using System.Data.Common;
using Weasel.Core;
using Weasel.Postgresql;

namespace Console.Workflows.Audit.Integrity.Schema;

/// <summary>
/// Refuses, in the database, what Marten's event-rewriting features do: masking (UPDATE of data) and stream
/// compaction or hard deletion (DELETE of event rows). Updates that leave every hashed column as it was (archiving
/// flips is_archived) pass. It also refuses an INSERT that writes into the past: a sequence number at or below the
/// chain's head (already chained, so only a forged event could still land there), or a timestamp more than
/// <see cref="PastTolerance"/> before the newest event's (except Marten's tombstones, which carry no time of their own). Not "at or below the newest seq_id": Marten draws sequence
/// numbers before its transaction, so concurrent appends commit out of order and a genuine event may land below a
/// committed one, until the chain passes it. A database administrator can still drop or disable the trigger (the
/// console's own role cannot: it does not own the table); the hash chain is what then tells. Created and kept up to
/// date by Marten's schema migration like any other schema object.
/// </summary>
internal sealed class EventRewriteGuard(string schema) : ISchemaObject
{
    public const string Name = "audit_refuse_event_rewrite";

    private string Events => $"{schema}.mt_events";

    private string Function => $"{schema}.{Name}";

    /// <summary>
    /// How far an appended event's timestamp may lie before the newest stored one: transaction start times (Marten's
    /// default timestamp) of appends in flight together, and clock skew between nodes.
    /// </summary>
    public static readonly TimeSpan PastTolerance = TimeSpan.FromMinutes(5);

    // Compared with pg_proc.prosrc to know whether the installed function is this version.
    private string Body => $$"""

        declare
          chained bigint;
          newest timestamptz;
        begin
          if tg_op = 'INSERT' then
            select max(c.seq_id) into chained from {{schema}}.{{AuditDatabase.ChainTableName}} c;
            if new.seq_id <= coalesce(chained, 0) then
              raise exception 'mt_events is append-only: inserting event % at seq %, at or below the chained head (seq %), writes into the past and is refused', new.id, new.seq_id, chained
                using errcode = 'P0001';
            end if;
            select e.timestamp into newest from {{schema}}.mt_events e order by e.seq_id desc limit 1;
            -- Marten's tombstones (sequence numbers of a failed append, filled in after its rollback) carry no time of their own.
            if new.type <> 'tombstone' and new.timestamp < newest - interval '{{(int)PastTolerance.TotalSeconds}} seconds' then
              raise exception 'mt_events is append-only: inserting event % dated %, before the newest event (%), writes into the past and is refused', new.id, new.timestamp, newest
                using errcode = 'P0001';
            end if;
            return new;
          end if;
          if tg_op = 'DELETE' then
            raise exception 'mt_events is append-only: deleting event % (seq %) is refused; the audit log is tamper-evident (README, "Tamper-evident log")', old.id, old.seq_id
              using errcode = 'P0001';
          end if;
          if (new.seq_id, new.id, new.stream_id, new.version, new.type, new.timestamp, new.tenant_id, new.mt_dotnet_type, new.data)
             is distinct from (old.seq_id, old.id, old.stream_id, old.version, old.type, old.timestamp, old.tenant_id, old.mt_dotnet_type, old.data) then
            raise exception 'mt_events is append-only: changing event % (seq %) is refused; the audit log is tamper-evident (README, "Tamper-evident log")', old.id, old.seq_id
              using errcode = 'P0001';
          end if;
          return new;
        end;

        """;

    public DbObjectName Identifier => new PostgresqlObjectName(schema, Name, SchemaUtils.IdentifierUsage.Function);

    public IEnumerable<DbObjectName> AllNames()
    {
        yield return Identifier;
    }

    public void WriteCreateStatement(Migrator migrator, TextWriter writer)
    {
        writer.WriteLine($"create or replace function {Function}() returns trigger language plpgsql as $guard${Body}$guard$;");
        writer.WriteLine($"drop trigger if exists {Name} on {Events};");
        writer.WriteLine($"create trigger {Name} before insert or update or delete on {Events} for each row execute function {Function}();");
    }

    public void WriteDropStatement(Migrator migrator, TextWriter writer)
    {
        writer.WriteLine($"drop trigger if exists {Name} on {Events};");
        writer.WriteLine($"drop function if exists {Function}();");
    }

    public void ConfigureQueryCommand(Weasel.Core.DbCommandBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Append(
            "select p.prosrc from pg_trigger t join pg_proc p on p.oid = t.tgfoid " +
            $"where t.tgname = '{Name}' and t.tgrelid = to_regclass('{Events}') and t.tgenabled <> 'D';");
    }

    public async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var difference = SchemaPatchDifference.Create;
        if (await reader.ReadAsync(ct))
        {
            difference = reader.GetString(0) == Body ? SchemaPatchDifference.None : SchemaPatchDifference.Update;
        }

        return new Delta(this, difference);
    }

    /// <summary>The create statement is idempotent, so creating and updating are the same script.</summary>
    private sealed class Delta(EventRewriteGuard guard, SchemaPatchDifference difference) : ISchemaObjectDelta
    {
        public ISchemaObject SchemaObject => guard;

        public SchemaPatchDifference Difference => difference;

        public void WriteUpdate(Migrator migrator, TextWriter writer) => guard.WriteCreateStatement(migrator, writer);

        public void WriteRollback(Migrator migrator, TextWriter writer) => guard.WriteDropStatement(migrator, writer);

        public void WriteRestorationOfPreviousState(Migrator migrator, TextWriter writer) => guard.WriteDropStatement(migrator, writer);
    }
}
