using System.Diagnostics;
using Analytics.Benchmarks.Harness;
using Analytics.Ingest.Events;
using Analytics.Ingest.Kafka;
using Analytics.Ingest.Simulator;
using Confluent.Kafka;

namespace Analytics.Benchmarks.Kafka;

/// <summary>What was pre-produced, with the counts the processor's totals must reproduce.</summary>
internal sealed record LoadedTopic(
    long Events,
    long ValueBytes,
    long Sessions,
    long PlayRequests,
    long FirstFrames,
    double EventTimeMinutes,
    double ProduceSeconds,
    IReadOnlyList<long> HighWatermarks);

/// <summary>Fills the beacon topic from the seeded simulator (producer settings of KafkaOptions: lz4), then proves the mock kept it all.</summary>
internal static class TopicLoader
{
    public static async Task<LoadedTopic> LoadAsync(KafkaOptions kafka, SimulatorOptions simulator, int partitions, CancellationToken ct)
    {
        var expected = simulator.MaxEvents ?? throw new ArgumentException("MaxEvents must be set", nameof(simulator));
        LibRdKafka.EnsureLoaded();
        var producer = new ProducerBuilder<byte[], byte[]>(kafka.ToProducerConfig()).Build();
        using var sink = new KafkaTrafficSink(producer, kafka.Topic, ownsProducer: true);
        var generator = new TrafficGenerator(simulator);
        long events = 0, bytes = 0, playRequests = 0, firstFrames = 0, firstTs = long.MaxValue, lastTs = long.MinValue;
        var step = Math.Max(1, expected / 10);
        var clock = Stopwatch.StartNew();
        foreach (var m in generator.Messages())
        {
            await sink.SendAsync(m.Key, m.Value, ct);
            events++;
            bytes += m.Value.Length;
            if (m.Beacon is { } b)
            {
                playRequests += b.Type == EventType.PlayRequest ? 1 : 0;
                firstFrames += b.Type == EventType.FirstFrame ? 1 : 0;
                firstTs = Math.Min(firstTs, b.TimestampMs);
                lastTs = Math.Max(lastTs, b.TimestampMs);
            }

            if (events % step == 0)
            {
                Progress.Report($"produced {Units.Count(events)} / {Units.Count(expected)}");
            }
        }

        await sink.FlushAsync(ct);
        var produceSeconds = clock.Elapsed.TotalSeconds;
        if (events != expected)
        {
            throw new InvalidOperationException($"The simulator gave {events} beacons, not the {expected} asked for; raise --concurrency.");
        }

        var high = CheckWatermarks(kafka, partitions, events);
        return new LoadedTopic(events, bytes, generator.SessionsStarted, playRequests, firstFrames, (lastTs - firstTs) / 60_000.0, produceSeconds, high);
    }

    /// <summary>The mock keeps about 5 MiB per partition and silently drops older batches: every beacon must still be there.</summary>
    private static long[] CheckWatermarks(KafkaOptions kafka, int partitions, long expected)
    {
        using var consumer = new ConsumerBuilder<byte[], byte[]>((kafka with { GroupId = "kbench-watermarks" }).ToConsumerConfig()).Build();
        var high = new long[partitions];
        var problems = new List<string>();
        for (var p = 0; p < partitions; p++)
        {
            var w = consumer.QueryWatermarkOffsets(new TopicPartition(kafka.Topic, p), kafka.AdminTimeout);
            high[p] = w.High.Value;
            if (w.Low.Value != 0)
            {
                problems.Add($"partition {p} starts at offset {w.Low.Value}");
            }
        }

        if (high.Sum() != expected)
        {
            problems.Add($"the partitions hold {high.Sum()} messages, not {expected}");
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException(
                $"The mock cluster dropped data ({string.Join("; ", problems.Take(5))}): it keeps about 5 MiB per partition. "
                + "Use more --partitions or fewer --events.");
        }

        return high;
    }
}
