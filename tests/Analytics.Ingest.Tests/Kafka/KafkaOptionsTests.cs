using Analytics.Common;
using Analytics.Ingest.Kafka;
using Confluent.Kafka;

namespace Analytics.Ingest.Tests.Kafka;

public sealed class KafkaOptionsTests
{
    private static readonly KafkaOptions Valid = new() { BootstrapServers = "localhost:9092" };

    [Fact]
    public void Defaults_are_valid_and_name_our_topics()
    {
        Valid.Validate();

        Assert.Equal("playback-events", Valid.Topic);
        Assert.Equal("playback-events-dlq", Valid.DeadLetterTopic);
        Assert.Equal("analytics-processor", Valid.GroupId);
        Assert.Equal("analytics", Valid.ClientId);
    }

    [Theory]
    [InlineData("")]
    [InlineData("localhost")]
    [InlineData("localhost:0")]
    [InlineData("localhost:70000")]
    [InlineData("a:1,,b:2")]
    [InlineData("host name:9092")]
    public void Bad_bootstrap_servers_are_rejected_with_the_rule_and_the_value(string servers)
    {
        var error = Assert.Throws<OptionsValidationException>(() => (Valid with { BootstrapServers = servers }).Validate());

        Assert.Equal(nameof(KafkaOptions.BootstrapServers), error.Key);
        Assert.Contains("host:port", error.Message, StringComparison.Ordinal);
        Assert.Contains($"\"{servers}\"", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("127.0.0.1:9092,127.0.0.1:9093")]
    [InlineData("PLAINTEXT://broker-1.example.com:9092")]
    [InlineData("[::1]:9092")]
    public void Good_bootstrap_servers_are_accepted(string servers) =>
        (Valid with { BootstrapServers = servers }).Validate();

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("has space")]
    [InlineData("ünïcode")]
    public void Bad_topic_names_are_rejected(string topic)
    {
        var error = Assert.Throws<OptionsValidationException>(() => (Valid with { Topic = topic }).Validate());

        Assert.Equal(nameof(KafkaOptions.Topic), error.Key);
        Assert.Contains("Kafka topic name", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_topic_name_longer_than_249_characters_is_rejected() =>
        Assert.Throws<OptionsValidationException>(() => (Valid with { DeadLetterTopic = new string('d', 250) }).Validate());

    [Fact]
    public void The_dead_letter_topic_must_differ_from_the_input_topic()
    {
        var error = Assert.Throws<OptionsValidationException>(() => (Valid with { DeadLetterTopic = "playback-events" }).Validate());

        Assert.Equal(nameof(KafkaOptions.DeadLetterTopic), error.Key);
    }

    [Fact]
    public void Empty_group_and_client_ids_are_rejected()
    {
        Assert.Equal(nameof(KafkaOptions.GroupId), Assert.Throws<OptionsValidationException>(() => (Valid with { GroupId = " " }).Validate()).Key);
        Assert.Equal(nameof(KafkaOptions.ClientId), Assert.Throws<OptionsValidationException>(() => (Valid with { ClientId = "" }).Validate()).Key);
    }

    [Fact]
    public void Sasl_needs_a_sasl_protocol_and_credentials_and_never_echoes_the_password()
    {
        var plain = Valid with { SecurityProtocol = SecurityProtocol.SaslSsl, SaslMechanism = SaslMechanism.Plain, SaslUsername = "svc", SaslPassword = "s3cret" };
        plain.Validate();

        Assert.Equal(nameof(KafkaOptions.SecurityProtocol), Assert.Throws<OptionsValidationException>(() => (plain with { SecurityProtocol = SecurityProtocol.Ssl }).Validate()).Key);
        Assert.Equal(nameof(KafkaOptions.SaslMechanism), Assert.Throws<OptionsValidationException>(() => (plain with { SaslMechanism = null }).Validate()).Key);
        Assert.Equal(nameof(KafkaOptions.SaslUsername), Assert.Throws<OptionsValidationException>(() => (plain with { SaslUsername = null }).Validate()).Key);
        var password = Assert.Throws<OptionsValidationException>(() => (plain with { SaslPassword = "" }).Validate());
        Assert.Equal(nameof(KafkaOptions.SaslPassword), password.Key);
        Assert.DoesNotContain("s3cret", password.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("enable.auto.commit")]
    [InlineData("consumer.enable.auto.offset.store")]
    [InlineData("group.id")]
    [InlineData("bootstrap.servers")]
    public void Properties_may_not_override_settings_the_options_own(string key)
    {
        var error = Assert.Throws<OptionsValidationException>(
            () => (Valid with { Properties = new Dictionary<string, string> { [key] = "x" } }).Validate());

        Assert.Contains(key, error.Key, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(3600)]
    public void Session_timeout_out_of_range_is_rejected(double seconds) =>
        Assert.Equal(
            nameof(KafkaOptions.SessionTimeout),
            Assert.Throws<OptionsValidationException>(() => (Valid with { SessionTimeout = TimeSpan.FromSeconds(seconds) }).Validate()).Key);

    [Fact]
    public void Consumer_config_commits_manually_from_the_earliest_offset_with_cooperative_rebalancing()
    {
        var config = (Valid with { GroupId = "g", ClientId = "c", SessionTimeout = TimeSpan.FromSeconds(9) }).ToConsumerConfig();

        Assert.Equal("localhost:9092", config.BootstrapServers);
        Assert.Equal("g", config.GroupId);
        Assert.Equal("c", config.ClientId);
        Assert.False(config.EnableAutoCommit);
        Assert.False(config.EnableAutoOffsetStore);
        Assert.Equal(AutoOffsetReset.Earliest, config.AutoOffsetReset);
        Assert.Equal(PartitionAssignmentStrategy.CooperativeSticky, config.PartitionAssignmentStrategy);
        Assert.Equal(9000, config.SessionTimeoutMs);
        Assert.Equal(3000, config.HeartbeatIntervalMs);
        Assert.Equal("1000000", config.Get("queued.min.messages"));
    }

    [Fact]
    public void Producer_config_waits_for_all_replicas_and_is_idempotent()
    {
        var config = Valid.ToProducerConfig();

        Assert.Equal(Acks.All, config.Acks);
        Assert.True(config.EnableIdempotence);
        Assert.Equal("false", config.Get("allow.auto.create.topics"));
        Assert.Equal("lz4", config.Get("compression.type"));
    }

    [Fact]
    public void Without_tuning_librdkafka_defaults_stay_untouched()
    {
        var untuned = Valid with { TuneForThroughput = false };

        Assert.Null(untuned.ToConsumerConfig().Get("queued.min.messages"));
        Assert.Null(untuned.ToProducerConfig().Get("linger.ms"));
        Assert.False(untuned.ToConsumerConfig().EnableAutoCommit);
    }

    [Fact]
    public void Properties_override_the_tuning_and_scoped_keys_reach_only_their_client()
    {
        var options = Valid with
        {
            Properties = new Dictionary<string, string>
            {
                ["queued.min.messages"] = "5000",
                ["consumer.fetch.wait.max.ms"] = "7",
                ["producer.linger.ms"] = "1",
                ["admin.socket.timeout.ms"] = "1234",
                ["socket.keepalive.enable"] = "true",
            },
        };
        options.Validate();

        var consumer = options.ToConsumerConfig();
        var producer = options.ToProducerConfig();
        var admin = options.ToAdminConfig();

        Assert.Equal("5000", consumer.Get("queued.min.messages"));
        Assert.Equal("7", consumer.Get("fetch.wait.max.ms"));
        Assert.Null(consumer.Get("consumer.fetch.wait.max.ms"));
        Assert.Null(producer.Get("fetch.wait.max.ms"));
        Assert.Equal("1", producer.Get("linger.ms"));
        Assert.Null(consumer.Get("linger.ms"));
        Assert.Equal("1234", admin.Get("socket.timeout.ms"));
        Assert.Null(producer.Get("socket.timeout.ms"));
        Assert.All([consumer.Get("socket.keepalive.enable"), producer.Get("socket.keepalive.enable"), admin.Get("socket.keepalive.enable")], v => Assert.Equal("true", v));
    }

    [Fact]
    public void Security_settings_reach_every_client()
    {
        var options = Valid with { SecurityProtocol = SecurityProtocol.SaslSsl, SaslMechanism = SaslMechanism.ScramSha512, SaslUsername = "u", SaslPassword = "p" };

        foreach (ClientConfig config in new ClientConfig[] { options.ToConsumerConfig(), options.ToProducerConfig(), options.ToAdminConfig() })
        {
            Assert.Equal(SecurityProtocol.SaslSsl, config.SecurityProtocol);
            Assert.Equal(SaslMechanism.ScramSha512, config.SaslMechanism);
            Assert.Equal("u", config.SaslUsername);
            Assert.Equal("p", config.SaslPassword);
        }
    }

    [Fact]
    public void ToString_hides_the_password_and_property_values()
    {
        var text = (Valid with
        {
            SecurityProtocol = SecurityProtocol.SaslSsl,
            SaslMechanism = SaslMechanism.Plain,
            SaslUsername = "svc",
            SaslPassword = "s3cret",
            Properties = new Dictionary<string, string> { ["ssl.key.password"] = "hunter2" },
        }).ToString();

        Assert.Contains("svc", text, StringComparison.Ordinal);
        Assert.Contains("ssl.key.password", text, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", text, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
    }
}
