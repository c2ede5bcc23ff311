using Analytics.Ingest.Kafka;
using Analytics.IntegrationTests.Fixtures;
using KafkaException = Analytics.Ingest.KafkaException;

namespace Analytics.IntegrationTests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class TopicAdminTests(MockKafkaFixture kafka)
{
    [Fact]
    public async Task Existing_topics_are_verified_and_a_partition_mismatch_is_reported()
    {
        var right = kafka.CreateTopic(partitions: 6);
        var wrong = kafka.CreateTopic(partitions: 4);

        var checks = await TopicAdmin.EnsureTopicsAsync(kafka.Options(right), [new(right, 6), new(wrong, 6)], CancellationToken.None);

        Assert.Equal(new TopicCheck(right, TopicState.Existed, 6, 6), checks[0]);
        Assert.Null(checks[0].Warning);
        Assert.Equal(new TopicCheck(wrong, TopicState.PartitionCountDiffers, 6, 4), checks[1]);
        Assert.Contains("has 4 partitions, not 6", checks[1].Warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_topic_the_mock_cannot_create_fails_with_advice()
    {
        var options = kafka.Options("missing-topic") with { AdminTimeout = TimeSpan.FromSeconds(1) };

        var error = await Assert.ThrowsAsync<KafkaException>(
            () => TopicAdmin.EnsureTopicsAsync(options, [new("missing-topic", 2)], CancellationToken.None));

        Assert.Contains("missing-topic", error.Message, StringComparison.Ordinal);
        Assert.Contains("./analytics broker", error.Message, StringComparison.Ordinal);
    }
}
