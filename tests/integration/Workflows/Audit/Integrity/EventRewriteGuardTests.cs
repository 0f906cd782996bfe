using Console.IntegrationTests.Infrastructure;
using Console.Workflows;
using Console.Workflows.Audit.Integrity;
using JasperFx;
using Marten;
using Shouldly;
using Xunit;

namespace Console.IntegrationTests.Workflows.Audit.Integrity;

/// <summary>
/// Marten's own event-rewriting features against the console's database: masking and compaction are refused by the
/// rewrite guard (the console never calls them), archiving passes and the log stays intact, since is_archived is not
/// hashed. As the owner role, which holds every privilege on mt_events, so the guard (not a missing grant) is what refuses.
/// </summary>
public sealed class EventRewriteGuardTests : IAsyncLifetime
{
    private readonly PostgresDatabase _database = new();
    private readonly string _keyFile = AuditLog.NewKeyFile();
    private AuditLog _log = null!;
    private IReadOnlyList<Guid> _streams = [];

    public async ValueTask InitializeAsync()
    {
        await _database.InitializeAsync();
        _log = await AuditLog.OpenAsync(_database.OwnerConnectionString, AuditLog.TestOptions(_keyFile));
        _streams = await _log.AppendAsync(40, streams: 4, batch: 10);
        await _log.ChainAllAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _log.DisposeAsync();
        await _database.DisposeAsync();
        File.Delete(_keyFile);
    }

    [Fact]
    public async Task Masking_ThroughMarten_IsRefusedAndChangesNothing()
    {
        await using var masking = DocumentStore.For(opts =>
        {
            opts.ConfigureConsoleStore(_database.OwnerConnectionString);
            opts.AutoCreateSchemaObjects = AutoCreate.None;
            opts.Events.AddMaskingRuleForProtectedInformation<SampleRecorded>(e => e with { Text = "***" });
        });

        var refused = await Should.ThrowAsync<Exception>(() =>
            masking.Advanced.ApplyEventDataMasking(m => m.IncludeStream(_streams[0]), TestContext.Current.CancellationToken));

        refused.ToString().ShouldContain("append-only");
        (await _log.ScalarAsync<long>("select count(*) from mt_events where data ->> 'Text' = '***'")).ShouldBe(0);
        (await _log.VerifyAsync()).Breaks.ShouldBeEmpty();
    }

    [Fact]
    public async Task Compaction_ThroughMarten_IsRefusedAndChangesNothing()
    {
        await using (var session = _log.Store.LightweightSession())
        {
            session.Events.Append(IntegrityStatus.StreamId,
                new IntegrityVerified(Guid.NewGuid(), VerificationTrigger.Manual, 1, 1, 0, 0, null, 0.1, "auditor", "Auditor", DateTimeOffset.UtcNow),
                new IntegrityVerified(Guid.NewGuid(), VerificationTrigger.Manual, 1, 1, 0, 0, null, 0.1, "auditor", "Auditor", DateTimeOffset.UtcNow));
            await session.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        await _log.ChainAllAsync();
        var before = await _log.ScalarAsync<long>("select count(*) from mt_events");

        var refused = await Should.ThrowAsync<Exception>(async () =>
        {
            await using var session = _log.Store.LightweightSession();
            await session.Events.CompactStreamAsync<IntegrityStatus>(IntegrityStatus.StreamId);
            await session.SaveChangesAsync(TestContext.Current.CancellationToken);
        });

        refused.ToString().ShouldContain("append-only");
        (await _log.ScalarAsync<long>("select count(*) from mt_events")).ShouldBe(before);
        (await _log.VerifyAsync()).Breaks.ShouldBeEmpty();
    }

    [Fact]
    public async Task Archiving_ThroughMarten_IsAllowedAndTheLogStaysIntact()
    {
        await using (var session = _log.Store.LightweightSession())
        {
            session.Events.ArchiveStream(_streams[1]);
            await session.SaveChangesAsync(TestContext.Current.CancellationToken);
        }

        (await _log.ScalarAsync<long>($"select count(*) from mt_events where stream_id = '{_streams[1]}' and is_archived")).ShouldBe(10);
        var report = await _log.VerifyAsync();
        report.Breaks.ShouldBeEmpty();
        report.EntriesChecked.ShouldBe(40);
    }
}
