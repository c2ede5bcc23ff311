using System.Runtime.CompilerServices;
using Analytics.Ingest.Kafka;

namespace Analytics.IntegrationTests.Fixtures;

/// <summary>One 3-broker mock cluster per test collection; each test makes its own topics.</summary>
public sealed class MockKafkaFixture : IDisposable
{
    private int _topics;

    public MockKafkaFixture()
    {
        LibRdKafka.EnsureLoaded();
        Cluster = new MockKafkaCluster(brokerCount: 3);
    }

    internal MockKafkaCluster Cluster { get; }

    public string Bootstrap => Cluster.Bootstrap;

    /// <summary>A new topic named after the calling test, unique within the cluster.</summary>
    public string CreateTopic(int partitions = 3, [CallerMemberName] string test = "")
    {
        var name = $"{new string(test.Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-').ToArray())}-{Interlocked.Increment(ref _topics)}";
        Cluster.CreateTopic(name, partitions, replicationFactor: 3);
        return name;
    }

    /// <summary>A beacon topic named after the calling test and its dead-letter topic, for a pipeline run; the options name both.</summary>
    internal KafkaOptions CreatePipelineTopics(int partitions, [CallerMemberName] string test = "")
    {
        var options = Options(CreateTopic(partitions, test));
        Cluster.CreateTopic(options.DeadLetterTopic, 1, replicationFactor: 3);
        return options;
    }

    /// <summary>Options for a test: its own group, short timeouts so failures show in seconds.</summary>
    internal KafkaOptions Options(string topic, string? deadLetterTopic = null, IReadOnlyDictionary<string, string>? properties = null) => new KafkaOptions
    {
        BootstrapServers = Bootstrap,
        Topic = topic,
        DeadLetterTopic = deadLetterTopic ?? topic + "-dlq",
        GroupId = topic + "-group",
        ClientId = "tests",
        // The mock makes a group wait session timeout − 1 s when a member joins while it rebalances.
        SessionTimeout = TimeSpan.FromSeconds(3),
        AdminTimeout = TimeSpan.FromSeconds(5),
        Properties = properties ?? new Dictionary<string, string>
        {
            // A broker that comes back is reconnected within a second instead of up to ten.
            ["reconnect.backoff.max.ms"] = "1000",
        },
    }.Validate();

    public void Dispose() => Cluster.Dispose();
}
