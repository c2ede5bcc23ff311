using Analytics.Ingest.Kafka;
using Analytics.IntegrationTests.Fixtures;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Testing;
using Confluent.Kafka;

namespace Analytics.IntegrationTests.Pipeline;

/// <summary>
/// Messages deleted from a partition after the group's checkpoint and before it read them: the
/// processor resumes past them, counts every one and writes them to pipeline_health, instead of
/// moving on in silence as a Kafka consumer does. The mock cluster has no DeleteRecords; it deletes
/// the oldest data of a partition past about 5 MiB, as retention would, so the test writes past that.
/// </summary>
[Collection(ChDbCollection.Name)]
public sealed class LostMessagesTests : IClassFixture<MockKafkaFixture>
{
    private readonly ChDbFixture _chdb;
    private readonly MockKafkaFixture _kafka;

    public LostMessagesTests(ChDbFixture chdb, MockKafkaFixture kafka)
    {
        _chdb = chdb;
        _kafka = kafka;
    }

    [Fact]
    public async Task Messages_deleted_before_they_were_read_are_counted_as_lost()
    {
        var kafka = _kafka.CreatePipelineTopics(1);
        var database = await _chdb.CreateQoeDatabaseAsync("lost_messages");
        var options = new ProcessorOptions { Workers = 1, CheckpointInterval = TimeSpan.FromSeconds(1) };
        var messages = SimulatedTraffic.Deliver(SimulatedTraffic.WithAllKnobs(seed: 9, sessions: 20, TimeSpan.FromMinutes(2)), 1);
        var half = messages.Count;

        PipelineHarness.Produce(kafka, messages);
        var first = await PipelineHarness.RunBoundedAsync(kafka, options, database, _chdb.Connection);
        Assert.Equal(0, first.Lost);

        // 8 MiB more arrives (undecodable, so dead-lettered) while the processor is down: the broker
        // deletes the oldest data past its limit, some of it never read.
        // Random bytes: the producer compresses, and zeros would shrink to nothing.
        var random = new Random(3);
        var junk = Enumerable.Range(0, 80).Select(i =>
        {
            var value = new byte[100 * 1024];
            random.NextBytes(value);
            return new DeliveredMessage(0, 0, [(byte)i], value, null);
        }).ToList();
        PipelineHarness.Produce(kafka, junk);
        LibRdKafka.EnsureLoaded();
        WatermarkOffsets marks;
        using (var consumer = new ConsumerBuilder<byte[], byte[]>(kafka.ToConsumerConfig()).Build())
        {
            marks = consumer.QueryWatermarkOffsets(new TopicPartition(kafka.Topic, 0), TimeSpan.FromSeconds(10));
        }

        var deletedUnread = marks.Low.Value - half;
        Assert.True(deletedUnread > 0, $"the broker kept everything (log start {marks.Low.Value}); the test needs it to delete unread data");

        var second = await PipelineHarness.RunBoundedAsync(kafka, options, database, _chdb.Connection);

        Assert.Equal(deletedUnread, second.Lost);
        Assert.Equal(marks.High.Value - marks.Low.Value, second.Messages);
        var recorded = await _chdb.Connection.QueryScalarAsync<double>($"SELECT sum(value) FROM {database}.pipeline_health WHERE metric = 'lost_messages'");
        Assert.Equal(deletedUnread, (long)recorded);
    }
}
