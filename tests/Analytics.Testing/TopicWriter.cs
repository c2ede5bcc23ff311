using Analytics.Ingest.Kafka;
using Confluent.Kafka;

namespace Analytics.Testing;

/// <summary>One message to write to a chosen partition; a null timestamp lets the producer stamp it.</summary>
internal readonly record struct TopicMessage(int Partition, byte[] Key, byte[] Value, long? TimestampMs = null);

/// <summary>Writes test input to the beacon topic, to explicit partitions, so a test knows each partition's order.</summary>
internal static class TopicWriter
{
    /// <summary>Produces every message, waits for all acknowledgements; throws if any failed. Returns how many.</summary>
    public static long Produce(KafkaOptions kafka, IEnumerable<TopicMessage> messages)
    {
        LibRdKafka.EnsureLoaded();
        using var producer = new ProducerBuilder<byte[], byte[]>(kafka.ToProducerConfig()).Build();
        long count = 0;
        var failed = 0;
        foreach (var m in messages)
        {
            var message = new Message<byte[], byte[]> { Key = m.Key, Value = m.Value };
            if (m.TimestampMs is { } ts)
            {
                message.Timestamp = new Timestamp(ts, TimestampType.CreateTime);
            }

            producer.Produce(new TopicPartition(kafka.Topic, m.Partition), message, r =>
            {
                if (r.Error.IsError)
                {
                    Interlocked.Increment(ref failed);
                }
            });
            count++;
        }

        producer.Flush(TimeSpan.FromSeconds(60));
        return failed == 0 ? count : throw new InvalidOperationException($"{failed} of {count} messages were not produced to {kafka.Topic}");
    }
}
