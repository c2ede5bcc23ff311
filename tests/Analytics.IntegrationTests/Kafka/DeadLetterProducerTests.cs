using Analytics.Ingest.DeadLetters;
using Analytics.Ingest.Kafka;
using Analytics.IntegrationTests.Fixtures;
using Confluent.Kafka;
using static Analytics.IntegrationTests.Fixtures.KafkaTestClients;
using KafkaException = Analytics.Ingest.KafkaException;

namespace Analytics.IntegrationTests.Kafka;

[Collection(KafkaDeadLettersCollection.Name)]
public sealed class DeadLetterProducerTests(MockKafkaFixture kafka)
{
    [Fact]
    public async Task Dead_letters_carry_the_original_bytes_and_every_documented_header()
    {
        var options = kafka.Options(kafka.CreateTopic(partitions: 1));
        kafka.Cluster.CreateTopic(options.DeadLetterTopic, 1);
        var withField = DeadLetterRecords.Sample("playback-events", n: 7);
        var withoutField = new DeadLetterRecord
        {
            OriginalKey = null,
            OriginalValue = [0xff, 0x00, 0x7b],
            Reason = "malformed_json",
            Message = "The beacon is not valid JSON: ...",
            SourceTopic = "playback-events",
            SourcePartition = 5,
            SourceOffset = 9_000_000_000,
        };

        using (var producer = new DeadLetterProducer(options, "proc-1"))
        {
            await producer.ProduceAsync(withField, CancellationToken.None);
            await producer.ProduceAsync(withoutField, CancellationToken.None);
            await producer.FlushAsync(CancellationToken.None);

            Assert.Equal(0, producer.Pending);
            Assert.Equal(2, producer.Total);
            Assert.Equal(new Dictionary<string, long> { ["missing_field"] = 1, ["malformed_json"] = 1 }, producer.CountsByReason);
        }

        using var consumer = Consumer(options);
        consumer.Assign(new TopicPartitionOffset(options.DeadLetterTopic, 0, Offset.Beginning));
        var read = ConsumeExactly(consumer, 2);

        Assert.Equal(
            [
                ("dlq.reason", "missing_field"), ("dlq.field", "geo.region"), ("dlq.message", "geo.region is required."),
                ("dlq.source.topic", "playback-events"), ("dlq.source.partition", "1"), ("dlq.source.offset", "1007"),
                ("dlq.processor", "proc-1"),
            ],
            read[0].Message.Headers.Select(h => (h.Key, Text(h.GetValueBytes()))));
        Assert.Equal(
            [
                ("dlq.reason", "malformed_json"), ("dlq.message", "The beacon is not valid JSON: ..."),
                ("dlq.source.topic", "playback-events"), ("dlq.source.partition", "5"), ("dlq.source.offset", "9000000000"),
                ("dlq.processor", "proc-1"),
            ],
            read[1].Message.Headers.Select(h => (h.Key, Text(h.GetValueBytes()))));
        Assert.Equal(withField.OriginalKey, read[0].Message.Key);
        Assert.Equal(withField.OriginalValue, read[0].Message.Value);
        Assert.Null(read[1].Message.Key);
        Assert.Equal(withoutField.OriginalValue, read[1].Message.Value);

        var back = DeadLetterRecord.FromMessage(read[0]);
        Assert.Equal(withField with { OriginalKey = back.OriginalKey, OriginalValue = back.OriginalValue, Processor = "proc-1" }, back);
        Assert.Equal(withField.SourceTimestamp, back.SourceTimestamp);
        var backWithout = DeadLetterRecord.FromMessage(read[1]);
        Assert.Null(backWithout.Field);
        Assert.Equal("malformed_json", backWithout.Reason);
        Assert.Equal(9_000_000_000, backWithout.SourceOffset);
    }

    [Fact]
    public async Task A_full_local_queue_slows_producing_down_but_loses_nothing()
    {
        var options = kafka.Options(kafka.CreateTopic(partitions: 1)) with
        {
            Properties = new Dictionary<string, string> { ["producer.queue.buffering.max.messages"] = "20" },
        };
        kafka.Cluster.CreateTopic(options.DeadLetterTopic, 3);
        using var producer = new DeadLetterProducer(options, "proc-2");

        for (var i = 0; i < 1000; i++)
        {
            await producer.ProduceAsync(DeadLetterRecords.Sample(options.Topic, i, i % 2 == 0 ? "invalid_field" : "empty"), CancellationToken.None);
        }

        await producer.FlushAsync(CancellationToken.None);

        Assert.True(producer.QueueFullWaits > 0, "The queue of 20 should have been full at least once.");
        Assert.Equal(0, producer.Pending);
        // FlushAsync returned only after the brokers had all of them: no waiting needed here.
        Assert.Equal(1000, HighWatermarkSum(options, options.DeadLetterTopic, 3));
        Assert.Equal(new Dictionary<string, long> { ["invalid_field"] = 500, ["empty"] = 500 }, producer.CountsByReason);
    }

    [Fact]
    public async Task A_rejected_delivery_fails_flush_and_every_later_call_permanently()
    {
        var options = kafka.Options(kafka.CreateTopic(partitions: 1));
        kafka.Cluster.CreateTopic(options.DeadLetterTopic, 1);
        using var producer = new DeadLetterProducer(options, "proc-3");
        // Tests of this collection run one at a time, so the next Produce request is this producer's.
        kafka.Cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.TopicAuthorizationFailed);

        await producer.ProduceAsync(DeadLetterRecords.Sample(options.Topic), CancellationToken.None);
        var error = await Assert.ThrowsAsync<KafkaException>(() => producer.FlushAsync(CancellationToken.None));

        Assert.False(error.IsTransient);
        Assert.Contains(nameof(ErrorCode.TopicAuthorizationFailed), error.Message, StringComparison.Ordinal);
        Assert.Equal(0, producer.Pending);
        await Assert.ThrowsAsync<KafkaException>(() => producer.FlushAsync(CancellationToken.None));
        await Assert.ThrowsAsync<KafkaException>(async () => await producer.ProduceAsync(DeadLetterRecords.Sample(options.Topic), CancellationToken.None));
    }

    [Fact]
    public async Task Flush_with_nothing_produced_completes_at_once()
    {
        var options = kafka.Options(kafka.CreateTopic(partitions: 1));
        using var producer = new DeadLetterProducer(options, "proc-4");

        await producer.FlushAsync(CancellationToken.None);

        Assert.Equal(0, producer.Total);
        Assert.Empty(producer.CountsByReason);
    }
}
