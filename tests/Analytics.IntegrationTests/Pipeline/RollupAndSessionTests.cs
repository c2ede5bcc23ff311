using System.Text.Json;
using Analytics.IntegrationTests.Fixtures;
using Analytics.Processors.Aggregates;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Pipeline;
using Analytics.Testing;
using Analytics.Testing.Reference;

namespace Analytics.IntegrationTests.Pipeline;

/// <summary>
/// The session table and the hourly and daily rollups, over the real pipeline, against the reference
/// model. The traffic starts five minutes before midnight, so rollups cross hour and day boundaries.
/// </summary>
[Collection(ChDbCollection.Name)]
public sealed class RollupAndSessionTests : IClassFixture<MockKafkaFixture>
{
    private const long Hour = 3_600_000;
    private const long Day = 86_400_000;
    private static readonly ProcessorOptions Options = new() { Workers = 2, CheckpointInterval = TimeSpan.FromSeconds(2) };
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static (string Database, List<DeliveredMessage> Messages)? _run;

    private readonly ChDbFixture _chdb;
    private readonly MockKafkaFixture _kafka;

    public RollupAndSessionTests(ChDbFixture chdb, MockKafkaFixture kafka)
    {
        _chdb = chdb;
        _kafka = kafka;
    }

    private IClickHouseConnection Db => _chdb.Connection;

    [Fact]
    public async Task Every_ended_session_has_one_row_with_its_session_level_qoe()
    {
        var (db, messages) = await RunPipelineOnceAsync();
        var expected = ReferenceModel.Compute(messages.Select(m => m.ToReference()), ProcessorHarness.ReferenceOptionsFor(Options)).Sessions;
        var rows = (await Db.QueryJsonRowsAsync($"""
            SELECT session_id, toUnixTimestamp64Milli(end_time) AS end_ms, end_reason, attempted, played, video_start_failure,
                   exit_before_video_start, playback_failure, start_time_ms, playing_ms, rebuffer_ms, seek_rebuffer_ms, rebuffers,
                   bitrate_switches, bytes, cache_hit_bytes, errors, beacons
            FROM {db}.qoe_sessions FINAL
            """)).ToDictionary(r => r.GetProperty("session_id").GetString()!);

        Assert.True(expected.Count > 100, $"only {expected.Count} sessions");
        Assert.Equal(expected.Count, rows.Count);
        foreach (var (id, e) in expected)
        {
            var r = rows[id];
            Assert.True(
                e.EndTs == L(r, "end_ms") && e.EndReason == r.GetProperty("end_reason").GetString()
                && (e.Attempted ? 1 : 0) == L(r, "attempted") && (e.Attempted && e.Played ? 1 : 0) == L(r, "played")
                && (e.VideoStartFailure ? 1 : 0) == L(r, "video_start_failure") && (e.ExitBeforeVideoStart ? 1 : 0) == L(r, "exit_before_video_start")
                && (e.PlaybackFailure ? 1 : 0) == L(r, "playback_failure")
                && (e.StartTimeMs < 0 ? r.GetProperty("start_time_ms").ValueKind == JsonValueKind.Null : e.StartTimeMs == L(r, "start_time_ms"))
                && e.PlayingMs == L(r, "playing_ms") && e.RebufferMs == L(r, "rebuffer_ms") && e.SeekRebufferMs == L(r, "seek_rebuffer_ms")
                && e.Rebuffers == L(r, "rebuffers") && e.BitrateSwitches == L(r, "bitrate_switches") && e.Bytes == L(r, "bytes")
                && e.CacheHitBytes == L(r, "cache_hit_bytes") && e.Errors == L(r, "errors") && e.Beacons == L(r, "beacons"),
                $"session {id}: expected {e}, stored {r}");
        }
    }

    [Fact]
    public async Task Hourly_and_daily_rollups_equal_the_reference_at_one_hour_and_one_day()
    {
        var (db, messages) = await RunPipelineOnceAsync();
        foreach (var cube in Cube.All)
        {
            await RefreshAsync(db, $"qoe_{cube.Name}_1h_mv");
            await RefreshAsync(db, $"qoe_{cube.Name}_1d_mv");
        }

        var fine = ReferenceModel.Compute(messages.Select(m => m.ToReference()), ProcessorHarness.ReferenceOptionsFor(Options));
        foreach (var (label, grain, size) in new[] { ("1h", "hour", Hour), ("1d", "day", Day) })
        {
            var coarse = ProcessorHarness.ReferenceOptionsFor(Options) with
            {
                Cubes = ProcessorHarness.ReferenceOptionsFor(Options).Cubes.Select(c => c with { WindowsMs = [size] }).ToArray(),
            };
            var expected = ReferenceModel.Compute(messages.Select(m => m.ToReference()), coarse).Rows;
            var stored = new Dictionary<ExpectedKey, QoeAccumulator>();
            var peaks = new Dictionary<ExpectedKey, long>();
            foreach (var cube in Cube.All)
            {
                var dims = string.Join(", ", cube.Dimensions.Select(d => d.ColumnName()));
                var rows = await Db.QueryJsonRowsAsync($"""
                    SELECT toUnixTimestamp(toDateTime({grain})) * 1000 AS start, concatWithSeparator('/', {dims}) AS dims,
                        attempts, plays, video_start_failures, exits_before_video_start, playback_failures, start_time_sketch, start_time_sum_ms,
                        playing_ms, rebuffer_ms, seek_rebuffer_ms, rebuffers, seek_rebuffers, bitrate_kbps_ms, bitrate_switches, bytes,
                        cache_hit_bytes, errors, fatal_errors, errors_by_code, peak_concurrent_plays
                    FROM {db}.qoe_{cube.Name}_{label} FINAL
                    """);
                foreach (var r in rows)
                {
                    var key = new ExpectedKey(cube.Name, size, L(r, "start"), r.GetProperty("dims").GetString()!);
                    stored[key] = Accumulator(r, expected.TryGetValue(key, out var e) ? e.ConcurrentPlays : 0);
                    peaks[key] = L(r, "peak_concurrent_plays");
                }
            }

            Assert.True(stored.Count > 50 && peaks.Values.Any(p => p > 0), $"{label}: {stored.Count} rows");

            // Concurrency does not add up over time: rollups keep the peak of the finest windows instead.
            var problems = RowComparer.Compare(expected, stored);
            Assert.True(problems.Count == 0, $"{label}:\n" + string.Join('\n', problems));
            foreach (var (key, peak) in peaks)
            {
                var finest = key.Cube == Cube.Delivery.Name ? 10_000 : 60_000;
                var expectedPeak = fine.Rows
                    .Where(kv => kv.Key.Cube == key.Cube && kv.Key.WindowMs == finest && kv.Key.Dimensions == key.Dimensions
                        && kv.Key.WindowStart >= key.WindowStart && kv.Key.WindowStart < key.WindowStart + size)
                    .Select(kv => kv.Value.ConcurrentPlays)
                    .DefaultIfEmpty(0)
                    .Max();
                Assert.True(expectedPeak == peak, $"{label} {key}: peak {peak}, expected {expectedPeak}");
            }
        }

        Assert.True(await Db.QueryScalarAsync<long>($"SELECT uniqExact(toStartOfDay(hour)) FROM {db}.qoe_delivery_1h FINAL") == 2, "the traffic should span midnight");
    }

    private async Task RefreshAsync(string db, string view)
    {
        await Db.ExecuteAsync($"SYSTEM REFRESH VIEW {db}.{view}");
        await Db.ExecuteAsync($"SYSTEM WAIT VIEW {db}.{view}");
    }

    private async Task<(string Database, List<DeliveredMessage> Messages)> RunPipelineOnceAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (_run is { } done)
            {
                return done;
            }

            var simulation = SimulatedTraffic.WithAllKnobs(seed: 5, sessions: 150, TimeSpan.FromMinutes(10)) with
            {
                StartTimeMs = SimulatedTraffic.RecentStartMs - (5 * 60_000),
            };
            var messages = SimulatedTraffic.Deliver(simulation, partitions: 2);
            var kafka = _kafka.CreatePipelineTopics(partitions: 2);
            var db = await _chdb.CreateQoeDatabaseAsync("rollups");
            PipelineHarness.Produce(kafka, messages);
            await PipelineHarness.RunBoundedAsync(kafka, Options, db, Db);
            _run = (db, messages);
            return _run.Value;
        }
        finally
        {
            Once.Release();
        }
    }

    private static QoeAccumulator Accumulator(JsonElement r, long concurrency)
    {
        var acc = new QoeAccumulator
        {
            Attempts = L(r, "attempts"),
            Plays = L(r, "plays"),
            VideoStartFailures = L(r, "video_start_failures"),
            ExitsBeforeVideoStart = L(r, "exits_before_video_start"),
            PlaybackFailures = L(r, "playback_failures"),
            StartTimeSumMs = L(r, "start_time_sum_ms"),
            PlayingMs = L(r, "playing_ms"),
            RebufferMs = L(r, "rebuffer_ms"),
            SeekRebufferMs = L(r, "seek_rebuffer_ms"),
            Rebuffers = L(r, "rebuffers"),
            SeekRebuffers = L(r, "seek_rebuffers"),
            Bitrate = new RatioState(L(r, "bitrate_kbps_ms"), L(r, "playing_ms")),
            BitrateSwitches = L(r, "bitrate_switches"),
            ConcurrentPlays = concurrency,
            Bytes = L(r, "bytes"),
            CacheHitBytes = L(r, "cache_hit_bytes"),
            Errors = L(r, "errors"),
            FatalErrors = L(r, "fatal_errors"),
        };
        foreach (var b in r.GetProperty("start_time_sketch").EnumerateObject())
        {
            acc.StartTimeForUpdate().AddToBucket(short.Parse(b.Name, System.Globalization.CultureInfo.InvariantCulture), N(b.Value));
        }

        foreach (var c in r.GetProperty("errors_by_code").EnumerateObject())
        {
            acc.ErrorsByCode ??= CountByKeyAggregate.Init();
            acc.ErrorsByCode[c.Name] = N(c.Value);
        }

        return acc;
    }

    private static long L(JsonElement row, string name) => PipelineHarness.L(row, name);

    private static long N(JsonElement e) => e.ValueKind == JsonValueKind.String ? long.Parse(e.GetString()!, System.Globalization.CultureInfo.InvariantCulture) : e.GetInt64();
}
