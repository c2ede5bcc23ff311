using Analytics.Ingest.Kafka;
using Analytics.IntegrationTests.Fixtures;
using Confluent.Kafka;

namespace Analytics.IntegrationTests.Kafka;

public sealed class BrokerHostTests
{
    [Fact]
    public async Task The_host_serves_the_default_topics_until_cancelled()
    {
        using var host = await BrokerHost.StartAsync(new BrokerHostOptions(), CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var running = host.RunAsync(cancel.Token);

        using (var admin = new AdminClientBuilder(new KafkaOptions { BootstrapServers = host.Bootstrap }.ToAdminConfig()).Build())
        {
            var topics = admin.GetMetadata(KafkaTestClients.Patience).Topics.ToDictionary(t => t.Topic, t => t.Partitions.Count);
            Assert.Equal(6, topics["playback-events"]);
            Assert.Equal(3, topics["playback-events-dlq"]);
            Assert.Equal(3, admin.GetMetadata(KafkaTestClients.Patience).Brokers.Count);
        }

        Assert.Equal(KafkaClusterInfo.GetClusterId(host.Bootstrap, KafkaTestClients.Patience), host.ClusterId);
        Assert.False(running.IsCompleted);
        await cancel.CancelAsync();
        await running.WaitAsync(KafkaTestClients.Patience);
        Assert.True(running.IsCompletedSuccessfully);
    }
}
