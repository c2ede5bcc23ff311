using System.Globalization;
using System.Text.Json;
using Analytics.Alerts.Evaluation;
using Analytics.Alerts.Metrics;
using Analytics.Alerts.Slices;
using Analytics.IntegrationTests.Fixtures;
using Analytics.IntegrationTests.Pipeline;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Progress;
using Analytics.Testing;

namespace Analytics.IntegrationTests.Alerting;

/// <summary>
/// What alerting stands on, over the real pipeline: every partition's window progress is recorded,
/// and the numbers alerting reads for a slice equal the analyst views' numbers for it.
/// </summary>
[Collection(ChDbCollection.Name)]
public sealed class AlertingSeamTests : IClassFixture<MockKafkaFixture>
{
    private const int Partitions = 3;
    private static readonly ProcessorOptions Options = new() { Workers = 2, CheckpointInterval = TimeSpan.FromSeconds(2) };
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static (string Database, string Group, long LastEventMs)? _run;
    private readonly ChDbFixture _chdb;
    private readonly MockKafkaFixture _kafka;

    public AlertingSeamTests(ChDbFixture chdb, MockKafkaFixture kafka)
    {
        _chdb = chdb;
        _kafka = kafka;
    }

    private IClickHouseConnection Db => _chdb.Connection;

    [Fact]
    public async Task Every_partition_records_its_progress_and_the_group_is_final_through_the_end()
    {
        var (db, group, lastEventMs) = await RunOnceAsync();
        var progress = await new ProgressStore(Db, db, group, "reader", TimeProvider.System).ReadGroupAsync(CancellationToken.None);

        Assert.NotNull(progress);
        Assert.Equal(Partitions, progress.TopicPartitions);
        Assert.True(progress.Complete, $"silent partitions: {string.Join(", ", progress.Silent)}");
        Assert.True(progress.FinalThroughMs <= progress.ClosedThroughMs);

        // A bounded run finishes the input: every window holding a beacon is final.
        Assert.True(progress.FinalThroughMs >= lastEventMs, $"final through {progress.FinalThroughMs}, last beacon at {lastEventMs}");
        var other = await new ProgressStore(Db, db, "another-group", "reader", TimeProvider.System).ReadGroupAsync(CancellationToken.None);
        Assert.Null(other);
    }

    [Theory]
    [InlineData("cdn,pop")]
    [InlineData("isp")]
    [InlineData("")]
    [InlineData("region,country,cdn,pop,isp,device_type")]
    [InlineData("app_version")]
    [InlineData("title_id")]
    public async Task Alerting_reads_what_the_views_show_for_the_same_window_and_slice(string byText)
    {
        var (db, _, _) = await RunOnceAsync();
        var by = byText.Split(',', StringSplitOptions.RemoveEmptyEntries);
        var cube = Cubes.CubeFor(by, 60_000)!;
        var view = $"{db}.qoe_{cube.Name}_1m_v";
        var busiest = await Db.QueryScalarAsync<long>($"SELECT toUnixTimestamp(window_start) * 1000 FROM {view} GROUP BY window_start ORDER BY sum(attempts) DESC, window_start LIMIT 1");
        var source = new ClickHouseSliceSource(Db, db);

        var rows = await source.ReadAsync(new SliceQuery(by, busiest, 60_000), null, CancellationToken.None);

        Assert.NotEmpty(rows);
        var checkedRates = 0;
        foreach (var row in rows)
        {
            // The reference: the view's rows of this slice, re-aggregated as docs/metrics.md says.
            var filter = string.Join(string.Empty, row.Slice.Dimensions.Select(d => $" AND {d.Key} = {ClickHouseSql.Quote(d.Value)}"));
            var expected = (await Db.QueryJsonRowsAsync($"""
                SELECT sum(attempts) AS e_attempts, sum(plays) AS e_plays, sum(video_start_failures) / sum(attempts) AS e_vsf_rate,
                       sum(playback_failures) / nullIf(sum(plays), 0) AS e_vpf_rate,
                       sum(rebuffer_ms) / nullIf(sum(playing_ms) + sum(rebuffer_ms), 0) AS e_rebuffering_ratio,
                       qoe_quantile(0.95, sumMap(start_time_sketch)) AS e_start_time_p95_ms,
                       sum(cache_hit_bytes) / nullIf(sum(bytes), 0) AS e_cache_hit_ratio,
                       sum(concurrent_plays) AS e_concurrent_plays
                FROM {view}
                WHERE window_start = toDateTime({busiest / 1000}, 'UTC'){filter}
                """)).Single();
            foreach (var column in new[] { "attempts", "plays", "vsf_rate", "vpf_rate", "rebuffering_ratio", "start_time_p95_ms", "cache_hit_ratio", "concurrent_plays" })
            {
                var want = Number(expected.GetProperty("e_" + column));
                Assert.True(Same(want, row.Get(column)), $"{row.Slice} {column}: the view gives {want}, alerting read {row.Get(column)}");
                checkedRates += want is null ? 0 : 1;
            }
        }

        Assert.True(checkedRates > rows.Count * 3);
        if (by.Length == 6)
        {
            // At the view's own grain, alerting's columns are the view's columns.
            var direct = await Db.QueryJsonRowsAsync($"SELECT region, country, cdn, pop, isp, device_type, vsf_rate, start_time_p99_ms FROM {view} WHERE window_start = toDateTime({busiest / 1000}, 'UTC')");
            Assert.Equal(direct.Count, rows.Count);
            var bySlice = rows.ToDictionary(r => r.Slice);
            foreach (var d in direct)
            {
                var slice = new Slice(by.Select(b => KeyValuePair.Create(b, d.GetProperty(b).GetString()!)));
                Assert.True(Same(Number(d.GetProperty("vsf_rate")), bySlice[slice].Get("vsf_rate")));
                Assert.True(Same(Number(d.GetProperty("start_time_p99_ms")), bySlice[slice].Get("start_time_p99_ms")));
            }
        }
    }

    private static bool Same(double? a, double? b) => (a, b) switch
    {
        (null, null) => true,
        ({ } x, { } y) => Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Abs(x)),
        _ => false,
    };

    private static double? Number(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String => double.Parse(e.GetString()!, CultureInfo.InvariantCulture),
        _ => null,
    };

    private async Task<(string Database, string Group, long LastEventMs)> RunOnceAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (_run is { } done)
            {
                return done;
            }

            var simulation = SimulatedTraffic.WithAllKnobs(seed: 11, sessions: 200, TimeSpan.FromMinutes(6)) with
            {
                StartTimeMs = SimulatedTraffic.RecentStartMs,
            };
            var messages = SimulatedTraffic.Deliver(simulation, partitions: Partitions);
            var kafka = _kafka.CreatePipelineTopics(partitions: Partitions);
            var db = await _chdb.CreateQoeDatabaseAsync("seam");
            PipelineHarness.Produce(kafka, messages);
            await PipelineHarness.RunBoundedAsync(kafka, Options, db, Db);
            var last = messages.Where(m => m.Beacon is not null).Max(m => m.Beacon!.TimestampMs);
            _run = (db, kafka.GroupId, last);
            return _run.Value;
        }
        finally
        {
            Once.Release();
        }
    }
}
