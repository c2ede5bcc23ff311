using Analytics.IntegrationTests.Fixtures;
using Analytics.Processors.ClickHouse;

namespace Analytics.IntegrationTests.ClickHouse;

[Collection(ChDbCollection.Name)]
public sealed class SchemaMigratorTests : IAsyncLifetime
{
    internal static readonly Migration CreateMinute = new(1, "create_qoe_minute", """
        -- Per-minute aggregates.
        CREATE TABLE IF NOT EXISTS {database}.qoe_minute
        (
            minute DateTime('UTC'),
            cdn String,
            plays UInt64
        )
        ENGINE = MergeTree ORDER BY (minute, cdn);

        CREATE TABLE IF NOT EXISTS {database}.qoe_errors (minute DateTime('UTC'), code String) ENGINE = MergeTree ORDER BY minute;
        """);

    internal static readonly Migration AddBitrate = new(2, "add_bitrate", """
        ALTER TABLE {database}.qoe_minute ADD COLUMN IF NOT EXISTS avg_bitrate Float64 DEFAULT 0;
        """);

    private readonly ChDbFixture _chdb;
    private readonly List<string> _progress = [];
    private string _database = null!;

    public SchemaMigratorTests(ChDbFixture chdb) => _chdb = chdb;

    public async Task InitializeAsync()
    {
        _database = $"migrations_{Guid.NewGuid():N}";
        await _chdb.Connection.ExecuteAsync($"DROP DATABASE IF EXISTS {_database}");
    }

    public Task DisposeAsync() => _chdb.Connection.ExecuteAsync($"DROP DATABASE IF EXISTS {_database}");

    [Fact]
    public async Task Applies_pending_migrations_in_order_and_records_them()
    {
        var applied = await Migrator().MigrateAsync(_database, [CreateMinute, AddBitrate]);

        Assert.Equal([1, 2], applied.Select(m => m.Version));
        Assert.Equal("minute,cdn,plays,avg_bitrate", await _chdb.Connection.QueryScalarAsync<string>(
            $"SELECT arrayStringConcat(groupArray(name), ',') FROM (SELECT name FROM system.columns WHERE database = '{_database}' AND table = 'qoe_minute' ORDER BY position)"));
        Assert.Equal(1, await _chdb.Connection.QueryScalarAsync<int>($"SELECT count() FROM system.tables WHERE database = '{_database}' AND name = 'qoe_errors'"));
        var records = await _chdb.Connection.QueryJsonRowsAsync($"SELECT version, name, checksum FROM {_database}.schema_migrations ORDER BY version");
        Assert.Equal([1, 2], records.Select(r => r.GetProperty("version").GetInt32()));
        Assert.Equal(SchemaMigrator.ChecksumOf(CreateMinute.Sql), records[0].GetProperty("checksum").GetString());
        Assert.Contains(_progress, p => p.StartsWith($"Applying migration 1 (create_qoe_minute) to {_database}: 2 statement(s)", StringComparison.Ordinal));
        Assert.Contains(_progress, p => p.StartsWith("Applied migration 2 (add_bitrate)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Running_again_changes_nothing_and_a_new_migration_applies_alone()
    {
        await Migrator().MigrateAsync(_database, [CreateMinute]);
        _progress.Clear();

        var again = await Migrator().MigrateAsync(_database, [CreateMinute]);
        var upToDate = _progress.ToList();
        var next = await Migrator().MigrateAsync(_database, [CreateMinute, AddBitrate]);

        Assert.Empty(again);
        Assert.Equal([$"Schema {_database} is up to date (1 migration(s) applied)."], upToDate);
        Assert.Equal([2], next.Select(m => m.Version));
        Assert.Equal(2, await _chdb.Connection.QueryScalarAsync<int>($"SELECT count() FROM {_database}.schema_migrations"));
    }

    [Fact]
    public async Task An_edited_applied_migration_is_refused_before_anything_runs()
    {
        await Migrator().MigrateAsync(_database, [CreateMinute]);
        var edited = CreateMinute with { Sql = CreateMinute.Sql.Replace("plays UInt64", "plays UInt32", StringComparison.Ordinal) };

        var error = await Assert.ThrowsAsync<SchemaMigrationException>(() => Migrator().MigrateAsync(_database, [edited, AddBitrate]));

        Assert.Equal(1, error.Version);
        Assert.Contains("Migration 1 (create_qoe_minute)", error.Message);
        Assert.Contains("add a new migration", error.Message);
        Assert.False(error.IsTransient);
        Assert.Equal(0, await _chdb.Connection.QueryScalarAsync<int>(
            $"SELECT count() FROM system.columns WHERE database = '{_database}' AND name = 'avg_bitrate'"));
    }

    [Fact]
    public async Task Whitespace_only_edits_keep_the_checksum()
    {
        await Migrator().MigrateAsync(_database, [CreateMinute]);
        var reformatted = CreateMinute with { Sql = CreateMinute.Sql.Replace("\n", "   \r\n", StringComparison.Ordinal) + "\n\n" };

        Assert.Empty(await Migrator().MigrateAsync(_database, [reformatted]));
    }

    [Fact]
    public async Task A_database_migrated_by_a_newer_build_is_refused()
    {
        await Migrator().MigrateAsync(_database, [CreateMinute, AddBitrate]);

        var error = await Assert.ThrowsAsync<SchemaMigrationException>(() => Migrator().MigrateAsync(_database, [CreateMinute]));

        Assert.Equal(2, error.Version);
        Assert.Contains("does not know", error.Message);
    }

    [Fact]
    public async Task A_failing_statement_names_the_migration_and_is_not_recorded()
    {
        var broken = new Migration(2, "broken", "ALTER TABLE {database}.qoe_minute ADD COLUMN x Nonsense;");

        var error = await Assert.ThrowsAsync<SchemaMigrationException>(() => Migrator().MigrateAsync(_database, [CreateMinute, broken]));

        Assert.Equal(2, error.Version);
        Assert.Contains("Migration 2 (broken) failed at statement 1 of 1", error.Message);
        Assert.Equal(50, Assert.IsType<ClickHouseServerException>(error.InnerException).Code);
        Assert.Equal(1, await _chdb.Connection.QueryScalarAsync<int>($"SELECT max(version) FROM {_database}.schema_migrations"));
    }

    private SchemaMigrator Migrator() => new(_chdb.Connection, progress: _progress.Add);
}

/// <summary>The migrator over HTTP, against the real 18.16 server (its migrations table DDL happens to work there too).</summary>
[Collection(ClickHouseServerCollection.Name)]
public sealed class SchemaMigratorOverHttpTests(ClickHouseServerFixture server)
{
    // 18.16 has no ADD COLUMN IF NOT EXISTS.
    private static readonly Migration AddBitrate = SchemaMigratorTests.AddBitrate with
    {
        Sql = "ALTER TABLE {database}.qoe_minute ADD COLUMN avg_bitrate Float64 DEFAULT 0;",
    };

    [Fact]
    public async Task Migrates_a_real_server_once()
    {
        var database = $"migrations_{Guid.NewGuid():N}";
        await using var connection = new HttpClickHouseConnection(server.Options);
        var migrator = new SchemaMigrator(connection);

        try
        {
            var first = await migrator.MigrateAsync(database, [SchemaMigratorTests.CreateMinute, AddBitrate]);
            var second = await migrator.MigrateAsync(database, [SchemaMigratorTests.CreateMinute, AddBitrate]);

            Assert.Equal(2, first.Count);
            Assert.Empty(second);
            Assert.Equal("2", await connection.QueryScalarAsync<string>($"SELECT count() FROM {database}.schema_migrations"));
        }
        finally
        {
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {database}");
        }
    }
}
