using Analytics.Ingest.Kafka;
using Analytics.Ingest.Simulator;
using Analytics.IntegrationTests.Fixtures;
using Confluent.Kafka;

namespace Analytics.IntegrationTests.Simulator;

/// <summary>The simulator feeding a real (mock) Kafka over TCP: nothing dropped, even when the client queue fills.</summary>
[Collection(KafkaCollection.Name)]
public sealed class KafkaTrafficSinkTests
{
    private readonly MockKafkaFixture _kafka;

    public KafkaTrafficSinkTests(MockKafkaFixture kafka)
    {
        _kafka = kafka;
    }

    [Fact]
    public async Task Every_simulated_message_reaches_the_topic_keyed_by_session()
    {
        var topic = _kafka.CreateTopic(partitions: 3);
        var options = new SimulatorOptions
        {
            Seed = 11,
            StartTimeMs = Analytics.Testing.SimulatedTraffic.RecentStartMs,
            ConcurrentSessions = 60,
            Duration = TimeSpan.FromMinutes(3),
            Pacing = SimulationPacing.Unpaced,
            DuplicateFraction = 0.02,
            MalformedFraction = 0.01,
        };
        var expected = TrafficGenerator.Generate(options).Select(m => (Key: Convert.ToBase64String(m.Key), Value: Convert.ToBase64String(m.Value))).ToList();

        // A tiny client queue forces the sink through its queue-full path.
        using (var sink = KafkaTrafficSink.Create(_kafka.Bootstrap, topic, config: [new("queue.buffering.max.messages", "50")]))
        {
            var final = await SimulationRunner.RunAsync(sink, options, TimeProvider.System, progress: null, CancellationToken.None);
            Assert.Equal(expected.Count, final.MessagesSent);
            Assert.Equal(final.MessagesSent, sink.Delivered);
            Assert.Equal(0, sink.Failed);
            Assert.True(sink.QueueFullRetries > 0, "the small queue never filled, so backpressure was not exercised");
        }

        LibRdKafka.EnsureLoaded();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(_kafka.Options(topic).ToConsumerConfig()).Build();
        consumer.Subscribe(topic);
        var received = new List<ConsumeResult<byte[], byte[]>>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (received.Count < expected.Count && DateTime.UtcNow < deadline)
        {
            if (consumer.Consume(TimeSpan.FromMilliseconds(200)) is { Message: not null } r)
            {
                received.Add(r);
            }
        }

        Assert.Equal(
            expected.Order().ToList(),
            received.Select(r => (Key: Convert.ToBase64String(r.Message.Key), Value: Convert.ToBase64String(r.Message.Value))).Order().ToList());

        // One session, one partition: the processor sessionizes each partition on its own.
        Assert.All(received.GroupBy(r => Convert.ToBase64String(r.Message.Key)), g => Assert.Single(g.Select(r => r.Partition.Value).Distinct()));
    }
}
