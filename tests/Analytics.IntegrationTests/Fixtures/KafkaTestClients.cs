using System.Text;
using Analytics.Ingest.Kafka;
using Confluent.Kafka;

namespace Analytics.IntegrationTests.Fixtures;

internal static class KafkaTestClients
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static IProducer<byte[], byte[]> Producer(KafkaOptions options) =>
        new ProducerBuilder<byte[], byte[]>(options.ToProducerConfig()).Build();

    public static IConsumer<byte[], byte[]> Consumer(KafkaOptions options) =>
        new ConsumerBuilder<byte[], byte[]>(options.ToConsumerConfig()).Build();

    /// <summary>Produces key{i}/value{i} (or to one partition) and waits until all are acknowledged.</summary>
    public static void ProduceNumbered(KafkaOptions options, int count, int? partition = null, int first = 0)
    {
        using var producer = Producer(options);
        var failures = 0;
        for (var i = first; i < first + count; i++)
        {
            var message = new Message<byte[], byte[]> { Key = Bytes($"key{i}"), Value = Bytes($"value{i}") };
            Action<DeliveryReport<byte[], byte[]>> report = r =>
            {
                if (r.Error.IsError)
                {
                    Interlocked.Increment(ref failures);
                }
            };
            if (partition is { } p)
            {
                producer.Produce(new TopicPartition(options.Topic, p), message, report);
            }
            else
            {
                producer.Produce(options.Topic, message, report);
            }
        }

        Assert.Equal(0, producer.Flush(Patience));
        Assert.Equal(0, failures);
    }

    /// <summary>Consumes until <paramref name="count"/> messages arrived; fails after <see cref="Patience"/>.</summary>
    public static List<ConsumeResult<byte[], byte[]>> ConsumeExactly(IConsumer<byte[], byte[]> consumer, int count)
    {
        var results = new List<ConsumeResult<byte[], byte[]>>(count);
        var deadline = DateTime.UtcNow + Patience;
        while (results.Count < count)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Only {results.Count} of {count} messages arrived within {Patience}.");
            if (consumer.Consume(TimeSpan.FromMilliseconds(100)) is { } result)
            {
                results.Add(result);
            }
        }

        return results;
    }

    public static long HighWatermarkSum(KafkaOptions options, string topic, int partitions)
    {
        using var consumer = Consumer(options);
        return Enumerable.Range(0, partitions).Sum(p => consumer.QueryWatermarkOffsets(new TopicPartition(topic, p), Patience).High.Value);
    }

    public static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    public static string Text(byte[]? bytes) => bytes is null ? "<null>" : Encoding.UTF8.GetString(bytes);
}
