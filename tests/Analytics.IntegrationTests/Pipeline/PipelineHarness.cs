using System.Globalization;
using System.Text.Json;
using Analytics.Ingest.DeadLetters;
using Analytics.Ingest.Kafka;
using Analytics.Processors.Aggregates;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sinks;
using Analytics.Testing;
using Analytics.Testing.Reference;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.IntegrationTests.Pipeline;

/// <summary>Drives the real pipeline: produces messages to the mock Kafka, runs the processor, reads ClickHouse back.</summary>
internal static class PipelineHarness
{
    // Explicit partitions: the reference model needs to know each partition's arrival order.
    public static void Produce(KafkaOptions kafka, IEnumerable<DeliveredMessage> messages)
        => TopicWriter.Produce(kafka, messages.Select(m => new TopicMessage(m.Partition, m.Key, m.Value)));

    /// <summary>Runs the processor over everything in the topic (bounded mode), as `analytics run --bounded` does.</summary>
    public static async Task<PipelineStatus> RunBoundedAsync(KafkaOptions kafka, ProcessorOptions options, string database, IClickHouseConnection store)
    {
        var host = ProcessorHost.ForClickHouse(kafka, options, new SinkOptions { Database = database, FlushInterval = TimeSpan.FromMilliseconds(200) }, store, TimeProvider.System, NullLogger.Instance, stopAtEnd: true);
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await host.RunAsync(timeout.Token);
        Assert.False(timeout.IsCancellationRequested, "the bounded run did not reach the end of the topic in time");
        return host.Status;
    }

    /// <summary>Every fact table read back as a query would: the corrected rows (FINAL), summed over partitions.</summary>
    public static async Task<Dictionary<ExpectedKey, (QoeAccumulator Acc, Dictionary<double, double> SqlQuantiles)>> ReadFactsAsync(
        IClickHouseConnection store, string database, ProcessorOptions options)
    {
        var result = new Dictionary<ExpectedKey, (QoeAccumulator, Dictionary<double, double>)>();
        var sizes = options.ResolveWindows();
        var bySize = options.CubesBySize();
        foreach (var (cube, index) in options.ResolveCubes().Select((c, i) => (c, i)))
        {
            for (var s = 0; s < sizes.Count; s++)
            {
                if (!bySize[s].Contains(index))
                {
                    continue;
                }

                var dims = string.Join(", ", cube.Dimensions.Select(d => d.ColumnName()));
                var sql = $"""
                    SELECT toUnixTimestamp(window_start) * 1000 AS ws, concatWithSeparator('/', {dims}) AS dims,
                        sum(attempts) AS attempts, sum(plays) AS plays, sum(video_start_failures) AS vsf,
                        sum(exits_before_video_start) AS ebvs, sum(playback_failures) AS vpf,
                        sumMap(start_time_sketch) AS sketch, sum(start_time_sum_ms) AS vst_sum,
                        qoe_quantile(0.5, sumMap(start_time_sketch)) AS q50, qoe_quantile(0.9, sumMap(start_time_sketch)) AS q90,
                        qoe_quantile(0.95, sumMap(start_time_sketch)) AS q95, qoe_quantile(0.99, sumMap(start_time_sketch)) AS q99,
                        sum(playing_ms) AS playing, sum(rebuffer_ms) AS rebuffer, sum(seek_rebuffer_ms) AS seek_rebuffer,
                        sum(rebuffers) AS rebuffers, sum(seek_rebuffers) AS seek_rebuffers, sum(bitrate_kbps_ms) AS kbps_ms,
                        sum(bitrate_switches) AS switches, sum(concurrent_plays) AS concurrent, sum(bytes) AS bytes,
                        sum(cache_hit_bytes) AS hit_bytes, sum(errors) AS errors, sum(fatal_errors) AS fatal, sumMap(errors_by_code) AS codes
                    FROM {database}.{cube.TableName(sizes.Labels[s])} FINAL
                    GROUP BY window_start, {dims}
                    """;
                foreach (var row in await store.QueryJsonRowsAsync(sql))
                {
                    var acc = new QoeAccumulator
                    {
                        Attempts = L(row, "attempts"),
                        Plays = L(row, "plays"),
                        VideoStartFailures = L(row, "vsf"),
                        ExitsBeforeVideoStart = L(row, "ebvs"),
                        PlaybackFailures = L(row, "vpf"),
                        StartTimeSumMs = L(row, "vst_sum"),
                        PlayingMs = L(row, "playing"),
                        RebufferMs = L(row, "rebuffer"),
                        SeekRebufferMs = L(row, "seek_rebuffer"),
                        Rebuffers = L(row, "rebuffers"),
                        SeekRebuffers = L(row, "seek_rebuffers"),
                        Bitrate = new RatioState(L(row, "kbps_ms"), L(row, "playing")),
                        BitrateSwitches = L(row, "switches"),
                        ConcurrentPlays = L(row, "concurrent"),
                        Bytes = L(row, "bytes"),
                        CacheHitBytes = L(row, "hit_bytes"),
                        Errors = L(row, "errors"),
                        FatalErrors = L(row, "fatal"),
                    };
                    foreach (var bucket in row.GetProperty("sketch").EnumerateObject())
                    {
                        acc.StartTimeForUpdate().AddToBucket(short.Parse(bucket.Name, CultureInfo.InvariantCulture), Number(bucket.Value));
                    }

                    foreach (var code in row.GetProperty("codes").EnumerateObject())
                    {
                        acc.ErrorsByCode ??= CountByKeyAggregate.Init();
                        acc.ErrorsByCode[code.Name] = Number(code.Value);
                    }

                    var quantiles = new Dictionary<double, double>
                    {
                        [0.5] = D(row, "q50"),
                        [0.9] = D(row, "q90"),
                        [0.95] = D(row, "q95"),
                        [0.99] = D(row, "q99"),
                    };
                    var key = new ExpectedKey(cube.Name, sizes.Sizes[s], L(row, "ws"), row.GetProperty("dims").GetString()!);
                    result[key] = (acc, quantiles);
                }
            }
        }

        return result;
    }

    public static List<DeadLetterRecord> ReadDeadLetters(KafkaOptions kafka, int expected)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>((kafka with { GroupId = kafka.GroupId + "-dlq-reader" }).ToConsumerConfig()).Build();
        consumer.Subscribe(kafka.DeadLetterTopic);
        var records = new List<DeadLetterRecord>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (records.Count < expected && DateTime.UtcNow < deadline)
        {
            var r = consumer.Consume(TimeSpan.FromMilliseconds(200));
            if (r?.Message is not null)
            {
                records.Add(DeadLetterRecord.FromMessage(r));
            }
        }

        // Anything beyond the expected count would also be wrong: look a little longer.
        var extra = consumer.Consume(TimeSpan.FromSeconds(1));
        if (extra?.Message is not null)
        {
            records.Add(DeadLetterRecord.FromMessage(extra));
        }

        return records;
    }

    public static long L(JsonElement row, string name) => Number(row.GetProperty(name));

    private static long Number(JsonElement e) => e.ValueKind == JsonValueKind.String ? long.Parse(e.GetString()!, CultureInfo.InvariantCulture) : e.GetInt64();

    private static double D(JsonElement row, string name) => row.GetProperty(name) is { ValueKind: JsonValueKind.Number } n ? n.GetDouble() : double.NaN;
}
