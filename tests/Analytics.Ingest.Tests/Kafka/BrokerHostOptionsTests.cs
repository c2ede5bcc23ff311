using Analytics.Common;
using Analytics.Ingest.Kafka;

namespace Analytics.Ingest.Tests.Kafka;

public sealed class BrokerHostOptionsTests
{
    [Fact]
    public void Defaults_are_three_brokers_six_input_and_three_dead_letter_partitions()
    {
        var options = new BrokerHostOptions().Validate();

        Assert.Equal(3, options.Brokers);
        Assert.Equal(6, options.Partitions);
        Assert.Equal(3, options.DeadLetterPartitions);
        Assert.Equal(3, options.EffectiveReplicationFactor);
        Assert.Equal(1, (options with { Brokers = 1 }).EffectiveReplicationFactor);
    }

    [Theory]
    [InlineData(0, 6, 3, null, "Brokers")]
    [InlineData(3, 0, 3, null, "Partitions")]
    [InlineData(3, 6, 0, null, "DeadLetterPartitions")]
    [InlineData(2, 6, 3, 3, "ReplicationFactor")]
    public void Bad_values_name_the_offending_key(int brokers, int partitions, int dlqPartitions, int? replication, string key)
    {
        var options = new BrokerHostOptions { Brokers = brokers, Partitions = partitions, DeadLetterPartitions = dlqPartitions, ReplicationFactor = replication };

        var error = Assert.Throws<OptionsValidationException>(() => options.Validate());

        Assert.Equal(BrokerHostOptions.Component, error.Component);
        Assert.Equal(key, error.Key);
    }

    [Fact]
    public void Topic_names_follow_kafka_rules_and_must_differ() =>
        Assert.Throws<OptionsValidationException>(() => new BrokerHostOptions { Topic = "same", DeadLetterTopic = "same" }.Validate());
}
