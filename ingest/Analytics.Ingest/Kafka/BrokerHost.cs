using Analytics.Common;

namespace Analytics.Ingest.Kafka;

internal sealed record BrokerHostOptions
{
    public const string Component = "broker";

    public int Brokers { get; init; } = 3;

    public string Topic { get; init; } = KafkaOptions.DefaultTopic;

    public int Partitions { get; init; } = 6;

    public string DeadLetterTopic { get; init; } = KafkaOptions.DefaultDeadLetterTopic;

    public int DeadLetterPartitions { get; init; } = 3;

    /// <summary>Where the alert service's cdn_steer action publishes its commands (keyed by POP).</summary>
    public string SteeringTopic { get; init; } = "cdn-steering";

    /// <summary>Null: min(3, Brokers). The mock keeps one copy whatever the factor; it shapes metadata only.</summary>
    public int? ReplicationFactor { get; init; }

    public int EffectiveReplicationFactor => ReplicationFactor ?? Math.Min(3, Brokers);

    public BrokerHostOptions Validate()
    {
        if (Brokers is < 1 or > 32)
        {
            throw new OptionsValidationException(Component, nameof(Brokers), "must be between 1 and 32", Brokers);
        }

        KafkaOptions.ValidateTopicName(Component, nameof(Topic), Topic);
        KafkaOptions.ValidateTopicName(Component, nameof(DeadLetterTopic), DeadLetterTopic);
        KafkaOptions.ValidateTopicName(Component, nameof(SteeringTopic), SteeringTopic);
        if (SteeringTopic == Topic || SteeringTopic == DeadLetterTopic)
        {
            throw new OptionsValidationException(Component, nameof(SteeringTopic), "must differ from Topic and DeadLetterTopic", SteeringTopic);
        }

        if (Topic == DeadLetterTopic)
        {
            throw new OptionsValidationException(Component, nameof(DeadLetterTopic), "must differ from Topic", DeadLetterTopic);
        }

        if (Partitions is < 1 or > 1000)
        {
            throw new OptionsValidationException(Component, nameof(Partitions), "must be between 1 and 1000", Partitions);
        }

        if (DeadLetterPartitions is < 1 or > 1000)
        {
            throw new OptionsValidationException(Component, nameof(DeadLetterPartitions), "must be between 1 and 1000", DeadLetterPartitions);
        }

        if (EffectiveReplicationFactor < 1 || EffectiveReplicationFactor > Brokers)
        {
            throw new OptionsValidationException(Component, nameof(ReplicationFactor), $"must be between 1 and the broker count ({Brokers})", ReplicationFactor);
        }

        return this;
    }
}

/// <summary>
/// A standalone local Kafka for <c>analytics broker</c>: a mock cluster with our topics created.
/// Other processes connect to <see cref="Bootstrap"/>; it lives until disposed (or the process ends).
/// Prints nothing: the caller reports <see cref="Bootstrap"/> and <see cref="ClusterId"/>.
/// </summary>
internal sealed class BrokerHost : IDisposable
{
    private BrokerHost(MockKafkaCluster cluster, string clusterId, IReadOnlyList<TopicSpec> topics)
    {
        Cluster = cluster;
        ClusterId = clusterId;
        Topics = topics;
    }

    public MockKafkaCluster Cluster { get; }

    public string Bootstrap => Cluster.Bootstrap;

    public string ClusterId { get; }

    public IReadOnlyList<TopicSpec> Topics { get; }

    public static async Task<BrokerHost> StartAsync(BrokerHostOptions options, CancellationToken cancellationToken)
    {
        options.Validate();
        var cluster = new MockKafkaCluster(options.Brokers);
        try
        {
            var rf = (short)options.EffectiveReplicationFactor;
            TopicSpec[] topics =
            [
                new(options.Topic, options.Partitions, rf),
                new(options.DeadLetterTopic, options.DeadLetterPartitions, rf),
                new(options.SteeringTopic, options.DeadLetterPartitions, rf),
            ];
            foreach (var topic in topics)
            {
                cluster.CreateTopic(topic.Name, topic.Partitions, topic.ReplicationFactor);
            }

            var clusterId = await KafkaClusterInfo.GetClusterIdAsync(
                new KafkaOptions { BootstrapServers = cluster.Bootstrap, AdminTimeout = TimeSpan.FromSeconds(10) },
                cancellationToken);
            return new BrokerHost(cluster, clusterId, topics);
        }
        catch
        {
            cluster.Dispose();
            throw;
        }
    }

    /// <summary>Keeps the brokers serving until cancelled; completes normally then. Dispose afterwards.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public void Dispose() => Cluster.Dispose();
}
