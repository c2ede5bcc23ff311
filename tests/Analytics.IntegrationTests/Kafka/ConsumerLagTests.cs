using Analytics.Ingest.Kafka;
using Analytics.IntegrationTests.Fixtures;
using Confluent.Kafka;
using static Analytics.IntegrationTests.Fixtures.KafkaTestClients;

namespace Analytics.IntegrationTests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class ConsumerLagTests(MockKafkaFixture kafka)
{
    [Fact]
    public void Lag_is_the_distance_from_the_position_to_the_high_watermark()
    {
        var options = kafka.Options(kafka.CreateTopic(partitions: 2));
        ProduceNumbered(options, 10, partition: 0);
        ProduceNumbered(options, 20, partition: 1, first: 10);
        using var consumer = Consumer(options);
        consumer.Assign([new TopicPartition(options.Topic, 0), new TopicPartition(options.Topic, 1)]);

        var before = ConsumerLag.Measure(consumer, brokerTimeout: Patience);
        Assert.Equal(30, before.Total);
        Assert.True(before.IsComplete);

        var read = ConsumeExactly(consumer, 12);
        var expected = new Dictionary<int, long>
        {
            [0] = 10 - read.Count(r => r.Partition == 0),
            [1] = 20 - read.Count(r => r.Partition == 1),
        };

        var cached = ConsumerLag.Measure(consumer);
        var queried = ConsumerLag.Measure(consumer, brokerTimeout: Patience);

        Assert.Equal(18, queried.Total);
        Assert.Equal(expected, queried.Partitions.ToDictionary(p => p.Partition.Partition.Value, p => p.Lag!.Value));
        // Cached figures may still be unknown for a partition not fetched yet, but never wrong.
        Assert.All(cached.Partitions.Where(p => p.Lag is not null), p => Assert.Equal(expected[p.Partition.Partition.Value], p.Lag));

        ConsumeExactly(consumer, 18);
        var drained = ConsumerLag.Measure(consumer);
        Assert.True(drained.IsComplete);
        Assert.Equal(0, drained.Total);
    }
}
