namespace Analytics.IntegrationTests.Fixtures;

/// <summary>Clients and consumer groups. Collections run in parallel, each on its own cluster.</summary>
[CollectionDefinition(Name)]
public sealed class KafkaCollection : ICollectionFixture<MockKafkaFixture>
{
    public const string Name = "Kafka";
}

/// <summary>Fault injection disturbs the whole cluster, so it gets its own.</summary>
[CollectionDefinition(Name)]
public sealed class KafkaFaultsCollection : ICollectionFixture<MockKafkaFixture>
{
    public const string Name = "Kafka faults";
}

[CollectionDefinition(Name)]
public sealed class KafkaDeadLettersCollection : ICollectionFixture<MockKafkaFixture>
{
    public const string Name = "Kafka dead letters";
}
