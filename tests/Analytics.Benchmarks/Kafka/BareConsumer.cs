using System.Diagnostics;
using Analytics.Ingest.Kafka;
using Confluent.Kafka;

namespace Analytics.Benchmarks.Kafka;

/// <summary>
/// The client's ceiling: a plain Confluent.Kafka loop with the processor's consumer settings, from offset 0
/// to the end of every partition, touching each message's bytes and nothing more.
/// </summary>
internal static class BareConsumer
{
    private static readonly TimeSpan Stall = TimeSpan.FromSeconds(60);

    public static KafkaSample Run(KafkaOptions kafka, IReadOnlyList<long> highWatermarks, CancellationToken ct)
    {
        LibRdKafka.EnsureLoaded();
        var expected = highWatermarks.Sum();
        var cpu = ProcessCpu.Now();
        var clock = Stopwatch.StartNew();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(kafka.ToConsumerConfig()).Build();
        consumer.Subscribe(kafka.Topic);
        long count = 0, bytes = 0;
        var first = TimeSpan.Zero;
        var firstCpu = TimeSpan.Zero;
        var lastProgress = clock.Elapsed;
        while (count < expected)
        {
            ct.ThrowIfCancellationRequested();
            var r = consumer.Consume(TimeSpan.FromMilliseconds(100));
            if (r?.Message is null)
            {
                if (clock.Elapsed - lastProgress > Stall)
                {
                    throw new InvalidOperationException($"The bare consumer got {count} of {expected} messages and then nothing for {Stall.TotalSeconds:F0} s.");
                }

                continue;
            }

            if (count++ == 0)
            {
                (first, firstCpu) = (clock.Elapsed, ProcessCpu.Now());
            }

            bytes += r.Message.Value.Length + (r.Message.Key?.Length ?? 0);
            lastProgress = clock.Elapsed;
        }

        var end = clock.Elapsed;
        var endCpu = ProcessCpu.Now();
        consumer.Close();
        return new KafkaSample(end - first, endCpu - firstCpu, first, end, TimeSpan.Zero, count, 0, 0, bytes, 0, endCpu - cpu);
    }
}
