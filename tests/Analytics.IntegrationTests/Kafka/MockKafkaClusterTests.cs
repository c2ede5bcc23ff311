using Analytics.Ingest.Kafka;
using Analytics.IntegrationTests.Fixtures;
using Confluent.Kafka;
using KafkaException = Analytics.Ingest.KafkaException;

namespace Analytics.IntegrationTests.Kafka;

[Collection(KafkaCollection.Name)]
public sealed class MockKafkaClusterTests(MockKafkaFixture kafka)
{
    [Fact]
    public void Bootstrap_lists_every_broker_and_metadata_shows_created_topics()
    {
        var topic = kafka.CreateTopic(partitions: 5);

        using var admin = new AdminClientBuilder(kafka.Options(topic).ToAdminConfig()).Build();
        var metadata = admin.GetMetadata(topic, KafkaTestClients.Patience);

        Assert.Equal(3, kafka.Bootstrap.Split(',').Length);
        Assert.Equal([1, 2, 3], metadata.Brokers.Select(b => b.BrokerId).Order());
        Assert.Equal(kafka.Cluster.BrokerIds, metadata.Brokers.Select(b => b.BrokerId).Order());
        var described = Assert.Single(metadata.Topics);
        Assert.False(described.Error.IsError);
        Assert.Equal(5, described.Partitions.Count);
        Assert.All(described.Partitions, p => Assert.Equal(3, p.Replicas.Length));
    }

    [Fact]
    public void Creating_an_existing_topic_fails_with_a_kafka_exception()
    {
        var topic = kafka.CreateTopic(partitions: 1);

        var error = Assert.Throws<KafkaException>(() => kafka.Cluster.CreateTopic(topic, 1));

        Assert.Contains(topic, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Partition_leadership_can_be_moved()
    {
        var topic = kafka.CreateTopic(partitions: 2);

        kafka.Cluster.SetPartitionLeader(topic, 1, brokerId: 2);

        using var admin = new AdminClientBuilder(kafka.Options(topic).ToAdminConfig()).Build();
        var partition = admin.GetMetadata(topic, KafkaTestClients.Patience).Topics[0].Partitions.Single(p => p.PartitionId == 1);
        Assert.Equal(2, partition.Leader);
    }

    [Fact]
    public void Cluster_id_is_stable_for_a_cluster_and_differs_between_clusters()
    {
        var first = KafkaClusterInfo.GetClusterId(kafka.Bootstrap, KafkaTestClients.Patience);
        var again = KafkaClusterInfo.GetClusterId(kafka.Bootstrap, KafkaTestClients.Patience);
        using var other = new MockKafkaCluster(brokerCount: 1);
        var otherId = KafkaClusterInfo.GetClusterId(other.Bootstrap, KafkaTestClients.Patience);

        Assert.False(string.IsNullOrWhiteSpace(first));
        Assert.Equal(first, again);
        Assert.NotEqual(first, otherId);
        Assert.Equal($"{first}/playback-events", KafkaClusterInfo.InputIdentity(first, "playback-events"));
    }

    [Fact]
    public async Task Cluster_id_of_an_unreachable_cluster_is_a_transient_failure()
    {
        // Port 1 on loopback refuses connections at once.
        var options = new KafkaOptions { BootstrapServers = "127.0.0.1:1", AdminTimeout = TimeSpan.FromSeconds(1) };

        var error = await Assert.ThrowsAsync<KafkaException>(
            () => KafkaClusterInfo.GetClusterIdAsync(options, CancellationToken.None));

        Assert.True(error.IsTransient);
        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
    }
}
