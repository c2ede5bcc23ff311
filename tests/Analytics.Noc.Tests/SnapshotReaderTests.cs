using System.Globalization;
using System.Text.Json;
using Analytics.Noc.Snapshots;
using Analytics.Noc.Wall;
using Analytics.Processors.ClickHouse;
using Analytics.Testing;

namespace Analytics.Noc.Tests;

/// <summary>
/// The snapshot's figures against an independent computation: the raw 10 s table's rows (FINAL), summed here in C#
/// with the formulas of docs/metrics.md, instead of the view and the wall's SQL.
/// </summary>
[Collection(NocStoreCollection.Name)]
public sealed class SnapshotReaderTests(NocStore store)
{
    private readonly ManualTimeProvider _time = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task The_tiles_show_the_newest_window_every_partition_has_closed_with_the_reference_values()
    {
        var snapshot = await Reader(NocStore.Seeded).ReadAsync(null, default);

        Assert.NotNull(snapshot.Window);
        Assert.Equal("closed", snapshot.Window.Basis);
        var closed = await store.Connection.QueryScalarAsync<long>(
            $"SELECT toUnixTimestamp64Milli(min(closed_through)) FROM {NocStore.Seeded}.pipeline_progress FINAL");
        Assert.True(snapshot.Window.Start + 10 <= closed / 1000, "the tile window ends after the group's closed boundary");
        var newer = await store.Connection.QueryScalarAsync<long>(
            $"SELECT count() FROM {NocStore.Seeded}.qoe_delivery_10s FINAL WHERE window_start > toDateTime({snapshot.Window.Start}, 'UTC') AND window_start <= toDateTime({(closed / 1000) - 10}, 'UTC')");
        Assert.Equal(0, newer);
        await AssertTilesMatchReferenceAsync(snapshot.Tiles, snapshot.Window.Start);
    }

    [Fact]
    public async Task A_pinned_window_gives_that_windows_reference_values_and_the_series_agrees()
    {
        var reader = Reader(NocStore.Seeded);
        var newest = (await reader.ReadAsync(null, default)).Window!.Start;
        var pinned = newest - 60;

        var snapshot = await reader.ReadAsync(pinned, default);

        Assert.Equal(new TileWindow(pinned, 10, "requested", snapshot.Window!.Final), snapshot.Window);
        Assert.All(snapshot.Tiles, t => Assert.Equal(pinned, t.WindowStart));
        await AssertTilesMatchReferenceAsync(snapshot.Tiles, pinned);
        var windows = await store.Connection.QueryJsonRowsAsync(
            $"SELECT DISTINCT toInt64(toUnixTimestamp(window_start)) AS t FROM {NocStore.Seeded}.qoe_delivery_10s FINAL WHERE window_start <= toDateTime({pinned}, 'UTC') ORDER BY t");
        Assert.Equal(windows.Select(w => w.GetProperty("t").GetInt64()).Where(t => t > pinned - 3600), snapshot.Series.Time);
        var index = snapshot.Series.Time.Count - 1;
        foreach (var tile in snapshot.Tiles)
        {
            Assert.Equal(tile.Value, snapshot.Series.Values[tile.Metric][index]);
        }
    }

    [Fact]
    public async Task Open_incidents_come_with_their_root_cause_slice_culprit_and_age_and_resolved_ones_are_left_out()
    {
        var snapshot = await Reader(NocStore.Seeded).ReadAsync(null, default);

        var open = Assert.Single(snapshot.Incidents.Open);
        Assert.Equal(("open-1", "P1", "triggered", "VSF at POP iad-2", "pop=iad-2"), (open.Id, open.Severity, open.Status, open.Title, open.Slice));
        Assert.Equal("pop=iad-2,isp=Comcast (84% of it)", open.Culprit);
        Assert.InRange(open.AgeSeconds, 280, 330);
        Assert.Equal(new Dictionary<string, int> { ["P1"] = 1 }, snapshot.Incidents.OpenBySeverity);
    }

    [Fact]
    public async Task Without_pipeline_health_rows_the_panel_says_no_data_but_keeps_the_window_progress()
    {
        var snapshot = await Reader(NocStore.Seeded).ReadAsync(null, default);

        Assert.False(snapshot.Pipeline.HasData);
        Assert.Empty(snapshot.Pipeline.Figures);
        Assert.Empty(snapshot.Pipeline.Series.Time);
        Assert.NotNull(snapshot.Pipeline.Progress);
        Assert.Equal((NocStore.Partitions, NocStore.Partitions), (snapshot.Pipeline.Progress.PartitionsReporting, snapshot.Pipeline.Progress.TopicPartitions));
    }

    [Fact]
    public async Task An_empty_store_gives_an_empty_snapshot_not_an_error()
    {
        var snapshot = await Reader(NocStore.Empty).ReadAsync(null, default);

        Assert.Null(snapshot.Window);
        Assert.Empty(snapshot.Tiles);
        Assert.Empty(snapshot.Series.Time);
        Assert.Empty(snapshot.Incidents.Open);
        Assert.False(snapshot.Pipeline.HasData);
        Assert.Null(snapshot.Pipeline.Progress);
        var json = JsonDocument.Parse(SnapshotJson.Serialize(snapshot)).RootElement;
        Assert.Equal(JsonValueKind.Null, json.GetProperty("window").ValueKind);
        Assert.False(json.GetProperty("pipeline").GetProperty("has_data").GetBoolean());
    }

    [Fact]
    public async Task Pipeline_health_sums_counters_per_second_and_takes_the_newest_gauge_per_partition()
    {
        var last = DateTimeOffset.UtcNow.ToUnixTimeSeconds() / 10 * 10;
        var rows = new List<string>();
        void Row(long at, string instance, string metric, int partition, double value, string reason = "")
            => rows.Add(string.Create(CultureInfo.InvariantCulture, $"(fromUnixTimestamp64Milli({at * 1000}), 'g1', '{instance}', '{metric}', {partition}, '{reason}', {value})"));
        for (var i = 0; i < 6; i++)
        {
            var at = last - (50 - (i * 10));
            Row(at, "a", "events", 0, 100);
            Row(at, "b", "events", 1, 140);
            Row(at, "a", "consumer_lag", 0, i == 5 ? 7 : 50);
            Row(at, "b", "consumer_lag", 1, i == 5 ? 3 : 40);
        }

        Row(last - 200, "a", "events", 0, 999_999); // outside the last minute: in the hour's series, not the rate
        Row(last, "a", "dead_letters", -1, 2, "malformed");
        Row(last - 10, "b", "dead_letters", -1, 3, "schema");
        Row(last, "a", "sink_insert_max_ms", -1, 40);
        Row(last, "b", "sink_insert_max_ms", -1, 90);
        Row(last - 600, "old", "events", 0, 5); // another group's rows are not ours
        await store.Connection.ExecuteAsync(
            $"INSERT INTO {NocStore.Health}.pipeline_health (at, consumer_group, instance, metric, source_partition, reason, value) VALUES {string.Join(", ", rows)}");
        await store.Connection.ExecuteAsync(
            $"INSERT INTO {NocStore.Health}.pipeline_health (at, consumer_group, instance, metric, source_partition, reason, value) VALUES (fromUnixTimestamp64Milli({(last - 600) * 1000}), 'g0', 'x', 'events', 0, '', 12345)");

        var health = (await Reader(NocStore.Health).ReadAsync(null, default)).Pipeline;

        Assert.True(health.HasData);
        Assert.Equal("g1", health.ConsumerGroup);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(last), health.At);
        Assert.Equal((6 * 240) / 60.0, health.Figures["events_per_second"], 9);
        Assert.Equal(10, health.Figures["consumer_lag"]);
        Assert.Equal(5, health.Figures["dead_letters"]);
        Assert.Equal(90, health.Figures["sink_insert_max_ms"]);
        Assert.Equal(24, health.Series.EventsPerSecond[^1]);
        Assert.Equal(10, health.Series.ConsumerLag[^1]);
        Assert.Contains(999_999 / 10.0, health.Series.EventsPerSecond);
    }

    [Theory]
    [InlineData("vsf_rate", 0.005, "ok")]
    [InlineData("vsf_rate", 0.01, "warn")]
    [InlineData("vsf_rate", 0.03, "crit")]
    [InlineData("start_time_p95_ms", 1999.0, "ok")]
    [InlineData("start_time_p95_ms", 4000.0, "crit")]
    [InlineData("rebuffering_ratio", 0.007, "warn")]
    [InlineData("plays", 1e6, "none")]
    [InlineData("vpf_rate", null, "none")]
    public void Tile_colours_follow_the_grafana_noc_thresholds(string metric, double? value, string status)
        => Assert.Equal(status, TileCatalog.All.Single(t => t.Metric == metric).StatusOf(value));

    private SnapshotReader Reader(string database) => new(store.Connection, database, new NocWallOptions(), _time);

    private async Task AssertTilesMatchReferenceAsync(IReadOnlyList<Tile> tiles, long window)
    {
        var expected = await ReferenceTiles.ComputeAsync(store.Connection, NocStore.Seeded, window);
        Assert.Equal(TileCatalog.All.Select(t => t.Metric), tiles.Select(t => t.Metric));
        Assert.True(expected["concurrent_plays"] > 0, "the reference window has no traffic: the seed is too small");
        foreach (var tile in tiles)
        {
            ReferenceTiles.AssertClose(expected[tile.Metric], tile.Value, tile.Metric);
        }
    }
}
