using Analytics.Ingest.DeadLetters;
using Analytics.Ingest.Kafka;
using Analytics.IntegrationTests.Fixtures;
using Confluent.Kafka;
using static Analytics.IntegrationTests.Fixtures.KafkaTestClients;
using KafkaException = Analytics.Ingest.KafkaException;

namespace Analytics.IntegrationTests.Kafka;

[Collection(KafkaFaultsCollection.Name)]
public sealed class FaultInjectionTests(MockKafkaFixture kafka)
{
    [Fact]
    public void Messages_for_a_downed_leader_wait_and_are_delivered_once_it_is_back()
    {
        var options = kafka.Options(kafka.CreateTopic(partitions: 1));
        kafka.Cluster.SetPartitionLeader(options.Topic, 0, brokerId: 2);
        var partition = new TopicPartition(options.Topic, 0);
        using var producer = Producer(options);
        var delivered = 0;
        var failed = 0;
        void Report(DeliveryReport<byte[], byte[]> r) => Interlocked.Increment(ref r.Error.IsError ? ref failed : ref delivered);

        producer.Produce(partition, new Message<byte[], byte[]> { Key = Bytes("warm"), Value = Bytes("up") }, Report);
        Assert.Equal(0, producer.Flush(Patience));

        kafka.Cluster.SetBrokerDown(2);
        try
        {
            for (var i = 0; i < 10; i++)
            {
                producer.Produce(partition, new Message<byte[], byte[]> { Key = Bytes($"k{i}"), Value = Bytes($"v{i}") }, Report);
            }

            Assert.True(producer.Flush(TimeSpan.FromMilliseconds(500)) > 0, "Nothing should be acknowledged while the leader is down.");
        }
        finally
        {
            kafka.Cluster.SetBrokerUp(2);
        }

        Assert.Equal(0, producer.Flush(Patience));
        Assert.Equal(11, delivered);
        Assert.Equal(0, failed);
        // Idempotence: retries after the reconnect must not duplicate anything.
        Assert.Equal(11, HighWatermarkSum(options, options.Topic, 1));
    }

    [Fact]
    public async Task Retriable_produce_errors_are_retried_without_duplicates()
    {
        var options = kafka.Options(kafka.CreateTopic(partitions: 1));
        // A producer that may not retry: it shows the injection bites, and later that it is used up.
        var probeConfig = new ProducerConfig { BootstrapServers = options.BootstrapServers, Acks = Acks.All, MessageSendMaxRetries = 0 };
        using var probe = new ProducerBuilder<byte[], byte[]>(probeConfig).Build();
        kafka.Cluster.PushRequestErrors(KafkaApiKey.Produce, ErrorCode.NotEnoughReplicas);
        var refused = await Assert.ThrowsAsync<ProduceException<byte[], byte[]>>(
            () => probe.ProduceAsync(options.Topic, new Message<byte[], byte[]> { Value = Bytes("probe") }));
        Assert.Equal(ErrorCode.NotEnoughReplicas, refused.Error.Code);

        using var producer = Producer(options);
        var failed = 0;
        kafka.Cluster.PushRequestErrors(
            KafkaApiKey.Produce,
            ErrorCode.NotEnoughReplicas, ErrorCode.Local_Transport, ErrorCode.NotLeaderForPartition);
        for (var i = 0; i < 5; i++)
        {
            producer.Produce(options.Topic, new Message<byte[], byte[]> { Key = Bytes($"k{i}"), Value = Bytes($"v{i}") }, r =>
            {
                if (r.Error.IsError)
                {
                    Interlocked.Increment(ref failed);
                }
            });
        }

        Assert.Equal(0, producer.Flush(Patience));
        Assert.Equal(0, failed);
        Assert.Equal(5, HighWatermarkSum(options, options.Topic, 1));

        var result = await probe.ProduceAsync(options.Topic, new Message<byte[], byte[]> { Value = Bytes("probe") });
        Assert.Equal(PersistenceStatus.Persisted, result.Status);
        Assert.Equal(6, HighWatermarkSum(options, options.Topic, 1));
    }

    [Fact]
    public async Task A_dead_letter_that_times_out_fails_flush_with_a_transient_error()
    {
        var options = kafka.Options(kafka.CreateTopic(partitions: 1)) with
        {
            Properties = new Dictionary<string, string> { ["producer.message.timeout.ms"] = "1000" },
        };
        kafka.Cluster.CreateTopic(options.DeadLetterTopic, 1);
        using var producer = new DeadLetterProducer(options, "proc-faults");

        kafka.Cluster.SetBrokerDown(-1);
        try
        {
            await producer.ProduceAsync(DeadLetterRecords.Sample(options.Topic), CancellationToken.None);
            var error = await Assert.ThrowsAsync<KafkaException>(() => producer.FlushAsync(CancellationToken.None));

            Assert.True(error.IsTransient);
            Assert.Contains(nameof(ErrorCode.Local_MsgTimedOut), error.Message, StringComparison.Ordinal);
        }
        finally
        {
            kafka.Cluster.SetBrokerUp(-1);
        }
    }
}
