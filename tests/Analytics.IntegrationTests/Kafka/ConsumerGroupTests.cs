using Analytics.IntegrationTests.Fixtures;
using Confluent.Kafka;
using static Analytics.IntegrationTests.Fixtures.KafkaTestClients;

namespace Analytics.IntegrationTests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class ConsumerGroupTests(MockKafkaFixture kafka)
{
    [Fact]
    public void A_second_consumer_in_the_group_resumes_at_the_committed_offsets()
    {
        var options = kafka.Options(kafka.CreateTopic(partitions: 3));
        ProduceNumbered(options, 30);

        List<TopicPartitionOffset> committed;
        HashSet<string> firstValues;
        using (var first = Consumer(options))
        {
            first.Subscribe(options.Topic);
            var read = ConsumeExactly(first, 12);
            firstValues = read.Select(r => Text(r.Message.Value)).ToHashSet();
            // What the processor does: commit the next offset to read, per partition.
            committed = read.GroupBy(r => r.TopicPartition)
                .Select(g => new TopicPartitionOffset(g.Key, g.Max(r => r.Offset.Value) + 1))
                .ToList();
            first.Commit(committed);
            first.Close();
        }

        using var second = Consumer(options);
        second.Subscribe(options.Topic);
        var rest = ConsumeExactly(second, 18);

        var restValues = rest.Select(r => Text(r.Message.Value)).ToHashSet();
        Assert.Empty(firstValues.Intersect(restValues));
        Assert.Equal(30, firstValues.Count + restValues.Count);
        foreach (var commit in committed)
        {
            // Exactly the offsets from the committed one to the end of the partition, nothing earlier.
            var end = second.QueryWatermarkOffsets(commit.TopicPartition, Patience).High.Value;
            var offsets = rest.Where(r => r.TopicPartition == commit.TopicPartition).Select(r => r.Offset.Value).Order();
            Assert.Equal(LongRange(commit.Offset.Value, end), offsets);
        }

        Assert.Null(second.Consume(TimeSpan.FromMilliseconds(300)));
        second.Close();
    }

    [Fact]
    public void Two_consumers_in_a_group_split_the_partitions_and_read_only_their_own()
    {
        var options = kafka.Options(kafka.CreateTopic(partitions: 6));
        using var a = Consumer(options);
        using var b = Consumer(options);
        a.Subscribe(options.Topic);
        b.Subscribe(options.Topic);

        // Both must poll for the group to form. If one joins too late for the first round (3 s on
        // the mock), a second round follows: wait for the split before producing anything.
        var deadline = DateTime.UtcNow + Patience;
        while (!(a.Assignment.Count > 0 && b.Assignment.Count > 0 && a.Assignment.Count + b.Assignment.Count == 6))
        {
            Assert.True(DateTime.UtcNow < deadline, $"No split within {Patience}: {a.Assignment.Count} and {b.Assignment.Count} partitions.");
            Assert.Null(a.Consume(TimeSpan.FromMilliseconds(50)));
            Assert.Null(b.Consume(TimeSpan.FromMilliseconds(50)));
        }

        ProduceNumbered(options, 60);
        var readA = new List<ConsumeResult<byte[], byte[]>>();
        var readB = new List<ConsumeResult<byte[], byte[]>>();
        while (readA.Count + readB.Count < 60 && DateTime.UtcNow < deadline)
        {
            if (a.Consume(TimeSpan.FromMilliseconds(50)) is { } ra)
            {
                readA.Add(ra);
            }

            if (b.Consume(TimeSpan.FromMilliseconds(50)) is { } rb)
            {
                readB.Add(rb);
            }
        }

        var partitionsA = a.Assignment.Select(p => p.Partition.Value).ToHashSet();
        var partitionsB = b.Assignment.Select(p => p.Partition.Value).ToHashSet();
        Assert.Equal(60, readA.Count + readB.Count);
        Assert.Equal(3, partitionsA.Count);
        Assert.Equal(3, partitionsB.Count);
        Assert.Empty(partitionsA.Intersect(partitionsB));
        Assert.All(readA, r => Assert.Contains(r.Partition.Value, partitionsA));
        Assert.All(readB, r => Assert.Contains(r.Partition.Value, partitionsB));
        a.Close();
        b.Close();
    }

    private static IEnumerable<long> LongRange(long from, long to)
    {
        for (var i = from; i < to; i++)
        {
            yield return i;
        }
    }
}
