using Analytics.Ingest.Events;
using Analytics.IntegrationTests.Fixtures;
using Analytics.Processors.Aggregates;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sessions;
using Analytics.Processors.Sinks;
using Analytics.Processors.Sinks.RowBinary;

namespace Analytics.IntegrationTests.Pipeline;

/// <summary>The QoE schema on chDB: it accepts exactly what the processor writes, and reads back the way the docs say.</summary>
[Collection(ChDbCollection.Name)]
public sealed class QoeSchemaTests : IAsyncLifetime
{
    // Recent: rows older than a table's TTL are dropped on insert.
    private static readonly long Window = Analytics.Testing.SimulatedTraffic.RecentStartMs;
    private readonly ChDbFixture _chdb;
    private string _db = string.Empty;

    public QoeSchemaTests(ChDbFixture chdb)
    {
        _chdb = chdb;
    }

    private IClickHouseConnection Db => _chdb.Connection;

    public async Task InitializeAsync()
    {
        _db = await _chdb.CreateQoeDatabaseAsync("qoe_schema");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Migrations_are_idempotent_and_create_every_table_the_processor_writes()
    {
        var again = await new SchemaMigrator(Db).MigrateAsync(_db, QoeTables.Migrations);
        Assert.Empty(again);
        var tables = (await Db.QueryTextAsync($"SELECT name FROM system.tables WHERE database = '{_db}'")).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var options = new ProcessorOptions { Windows = [TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)] };
        foreach (var table in QoeTables.FactTables(options).Concat([QoeTables.LateEvents, QoeTables.OrphanEvents, QoeTables.Checkpoints]))
        {
            Assert.Contains(table, tables);
            if (table.StartsWith("qoe_", StringComparison.Ordinal))
            {
                Assert.Contains(table + "_v", tables);
            }
        }
    }

    [Theory]
    [InlineData("delivery", "10s")]
    [InlineData("client", "1m")]
    [InlineData("content", "1m")]
    public async Task Window_rows_round_trip_sum_over_partitions_and_take_the_latest_version(string cubeName, string label)
    {
        var cube = Cube.Parse(cubeName);
        var key = new CubeKey(cube.Dimensions.Select(d => $"{d.ColumnName()}-x").ToArray());
        var table = cube.TableName(label);
        var rng = new Random(1);
        var samples = Enumerable.Range(0, 500).Select(_ => (double)rng.Next(200, 12_000)).ToList();

        var first = Accumulator(samples.Take(300), attempts: 10);
        var corrected = Accumulator(samples.Take(300), attempts: 12);
        var otherPartition = Accumulator(samples.Skip(300), attempts: 5);
        await Insert(QoeRowWriter.ForWindows(table, cube), w =>
        {
            w.WindowRow(new PartitionId("src", 0), version: 1, Window, cube, key, first, correction: false);
            w.WindowRow(new PartitionId("src", 0), version: 2, Window, cube, key, corrected, correction: false);
            w.WindowRow(new PartitionId("src", 1), version: 1, Window, cube, key, otherPartition, correction: false);
        });

        var row = (await Db.QueryJsonRowsAsync(
            $"SELECT attempts, start_time_p50_ms, start_time_p95_ms, rebuffering_ratio, average_bitrate_kbps, cache_hit_ratio, errors_by_code FROM {_db}.{table}_v")).Single();
        Assert.Equal(17, row.GetProperty("attempts").GetInt64());

        // The SQL quantile over the merged stored sketch equals the C# sketch's, bucket for bucket.
        var merged = new QoeAccumulator();
        merged.Merge(corrected);
        merged.Merge(otherPartition);
        Assert.Equal(merged.StartTime.Quantile(0.5), row.GetProperty("start_time_p50_ms").GetDouble(), 6);
        Assert.Equal(merged.StartTime.Quantile(0.95), row.GetProperty("start_time_p95_ms").GetDouble(), 6);
        Assert.Equal(merged.Result().RebufferingRatio, row.GetProperty("rebuffering_ratio").GetDouble(), 9);
        Assert.Equal(merged.Result().AverageBitrateKbps, row.GetProperty("average_bitrate_kbps").GetDouble(), 6);
        Assert.Equal(0.75, row.GetProperty("cache_hit_ratio").GetDouble(), 9);
        Assert.Equal(34, row.GetProperty("errors_by_code").GetProperty("E7").GetInt64());
    }

    [Fact]
    public async Task A_correction_to_nothing_disappears_from_queries()
    {
        var cube = Cube.Delivery;
        var key = new CubeKey(cube.Dimensions.Select(d => "v").ToArray());
        await Insert(QoeRowWriter.ForWindows("qoe_delivery_1m", cube), w => w.WindowRow(new PartitionId("src", 0), version: 1, Window, cube, key, Accumulator([900], attempts: 1), correction: false));
        Assert.Equal(1, await Db.QueryScalarAsync<long>($"SELECT count() FROM {_db}.qoe_delivery_1m_v"));

        // A later insert, as the processor writes a correction: both rows are stored until a merge.
        await Insert(QoeRowWriter.ForWindows("qoe_delivery_1m", cube), w => w.WindowRow(new PartitionId("src", 0), version: 2, Window, cube, key, new QoeAccumulator(), correction: true));
        Assert.Equal(2, await Db.QueryScalarAsync<long>($"SELECT count() FROM {_db}.qoe_delivery_1m"));
        Assert.Equal(0, await Db.QueryScalarAsync<long>($"SELECT count() FROM {_db}.qoe_delivery_1m FINAL"));
        Assert.Equal(0, await Db.QueryScalarAsync<long>($"SELECT count() FROM {_db}.qoe_delivery_1m_v"));
    }

    [Fact]
    public async Task Late_and_orphan_rows_are_accepted_and_replays_do_not_duplicate_them()
    {
        var late = new LateBeacon(42, "e-1", "s-1", EventType.Heartbeat, Window + 123, Window + 300_456, "{\"v\":1}"u8.ToArray());
        var orphan = new SessionEvent(Window + 5_000, 77, EventType.Heartbeat);
        for (var replay = 0; replay < 2; replay++)
        {
            await Insert(QoeRowWriter.ForLateEvents(), w => w.LateRow(new PartitionId("src", 3), late));
            await Insert(QoeRowWriter.ForOrphanEvents(), w => w.OrphanRow(new PartitionId("src", 3), "s-9", orphan, Window + 1_000));
        }

        var row = (await Db.QueryJsonRowsAsync($"SELECT lateness_ms, toUnixTimestamp64Milli(event_time) AS t, event_type, payload FROM {_db}.late_events FINAL")).Single();
        Assert.Equal(300_333, row.GetProperty("lateness_ms").GetInt64());
        Assert.Equal(Window + 123, row.GetProperty("t").GetInt64());
        Assert.Equal("heartbeat", row.GetProperty("event_type").GetString());
        Assert.Equal("{\"v\":1}", row.GetProperty("payload").GetString());
        Assert.Equal(1, await Db.QueryScalarAsync<long>($"SELECT count() FROM {_db}.orphan_events FINAL"));
    }

    private static QoeAccumulator Accumulator(IEnumerable<double> startTimes, long attempts)
    {
        var acc = new QoeAccumulator();
        for (var i = 0; i < attempts; i++)
        {
            acc.Attempt(+1);
        }

        foreach (var t in startTimes)
        {
            acc.Play(+1, (long)t);
        }

        acc.Playing(+1, 60_000, 4300);
        acc.Rebuffering(+1, 600, seekInduced: false);
        acc.Delivered(+1, 300, cacheHit: true);
        acc.Delivered(+1, 100, cacheHit: false);
        for (var i = 0; i < 17; i++)
        {
            acc.Error(+1, "E7", fatal: false);
        }

        return acc;
    }

    private async Task Insert(QoeRowWriter writer, Action<QoeRowWriter> write)
    {
        write(writer);
        var batch = writer.Take();
        await Db.InsertAsync($"{_db}.{batch.Table}", RowLayout.Format, batch.InsertBody());
    }
}
