using System.Text;
using System.Text.RegularExpressions;
using Analytics.Common;
using Confluent.Kafka;

namespace Analytics.Ingest.Kafka;

/// <summary>
/// Where our Kafka is and how every client talks to it. <see cref="Properties"/> pass straight to
/// librdkafka; a key prefixed <c>consumer.</c>, <c>producer.</c> or <c>admin.</c> applies to that
/// client only (prefix removed), other keys to all three. They are applied last, so they override
/// the throughput defaults.
/// </summary>
internal sealed partial record KafkaOptions
{
    public const string Component = "kafka";
    public const string DefaultTopic = "playback-events";
    public const string DefaultDeadLetterTopic = "playback-events-dlq";

    /// <summary>Settings the options own; setting them through <see cref="Properties"/> would break an invariant.</summary>
    public static readonly IReadOnlySet<string> ReservedProperties = new HashSet<string>(StringComparer.Ordinal)
    {
        "bootstrap.servers", "metadata.broker.list", "group.id", "client.id",
        "enable.auto.commit", "enable.auto.offset.store", "security.protocol", "sasl.mechanism",
        "sasl.mechanisms", "sasl.username", "sasl.password",
    };

    private static readonly IReadOnlyDictionary<string, string> NoProperties = new Dictionary<string, string>();

    public required string BootstrapServers { get; init; }

    public string Topic { get; init; } = DefaultTopic;

    public string DeadLetterTopic { get; init; } = DefaultDeadLetterTopic;

    public string GroupId { get; init; } = "analytics-processor";

    public string ClientId { get; init; } = "analytics";

    public SecurityProtocol? SecurityProtocol { get; init; }

    public SaslMechanism? SaslMechanism { get; init; }

    public string? SaslUsername { get; init; }

    public string? SaslPassword { get; init; }

    /// <summary>
    /// Kept well below librdkafka's 45 s default: a member joining a group makes the group wait up to
    /// the session timeout for the others (the mock cluster waits session timeout − 1 s).
    /// </summary>
    public TimeSpan SessionTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long admin requests (metadata, topic creation, cluster id) may take.</summary>
    public TimeSpan AdminTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Applies <see cref="ConsumerThroughputDefaults"/> and <see cref="ProducerThroughputDefaults"/>.</summary>
    public bool TuneForThroughput { get; init; } = true;

    public IReadOnlyDictionary<string, string> Properties { get; init; } = NoProperties;

    /// <summary>
    /// Measured on the mock cluster (1M 40-byte messages in 16 partitions, consumed from the start):
    /// librdkafka's defaults read about 0.24M msg/s, these about 1.0M msg/s (300k 376-byte messages:
    /// 0.27M vs 0.90M). The gain is all queued.min.messages: with a high-level consumer it acts on the
    /// whole consumer queue (16 partitions of 62,500 each were still throttled at its default of
    /// 100,000), so the fetcher pauses whenever the application is that far behind. queued.max.messages.kbytes (the default, written down) then bounds the
    /// prefetched bytes. A larger max.partition.fetch.bytes changed nothing on the mock, which answers
    /// with one message set per partition; it lets a real broker send more per partition when a
    /// processor catches up on few partitions. fetch.min.bytes and fetch.wait.max.ms stay at their
    /// defaults: with min.bytes 1 a broker answers as soon as there is data, and 100 ms waits measured
    /// no different.
    /// </summary>
    public static IReadOnlyDictionary<string, string> ConsumerThroughputDefaults { get; } = new Dictionary<string, string>
    {
        ["queued.min.messages"] = "1000000",
        ["queued.max.messages.kbytes"] = "65536",
        ["max.partition.fetch.bytes"] = "4194304",
    };

    /// <summary>
    /// Producing is bound by the .NET Produce call (about 0.3M msg/s here, whatever linger.ms). lz4
    /// was the fastest codec measured (none 0.25M, zstd 0.30M, lz4 0.33M msg/s) and shrinks JSON on
    /// the wire and in the mock's 5 MiB-per-partition log. A 20 ms linger makes fewer, larger batches
    /// when traffic is light (the mock also keeps at most 100,000 batches per partition).
    /// </summary>
    public static IReadOnlyDictionary<string, string> ProducerThroughputDefaults { get; } = new Dictionary<string, string>
    {
        ["linger.ms"] = "20",
        ["compression.type"] = "lz4",
    };

    public KafkaOptions Validate()
    {
        ValidateBootstrap(BootstrapServers);
        ValidateTopicName(Component, nameof(Topic), Topic);
        ValidateTopicName(Component, nameof(DeadLetterTopic), DeadLetterTopic);
        if (DeadLetterTopic == Topic)
        {
            throw Invalid(nameof(DeadLetterTopic), "must differ from Topic, or rejected beacons would be read again", DeadLetterTopic);
        }

        if (string.IsNullOrWhiteSpace(GroupId))
        {
            throw Invalid(nameof(GroupId), "must not be empty", GroupId);
        }

        if (string.IsNullOrWhiteSpace(ClientId))
        {
            throw Invalid(nameof(ClientId), "must not be empty", ClientId);
        }

        ValidateSecurity();

        if (SessionTimeout < TimeSpan.FromSeconds(1) || SessionTimeout > TimeSpan.FromMinutes(30))
        {
            throw Invalid(nameof(SessionTimeout), "must be between 1 s and 30 min (real brokers also require at least 6 s by default)", SessionTimeout);
        }

        if (AdminTimeout < TimeSpan.FromMilliseconds(100) || AdminTimeout > TimeSpan.FromMinutes(10))
        {
            throw Invalid(nameof(AdminTimeout), "must be between 100 ms and 10 min", AdminTimeout);
        }

        foreach (var (key, value) in Properties)
        {
            var name = Unscoped(key, out _);
            if (string.IsNullOrWhiteSpace(name))
            {
                throw Invalid(nameof(Properties), "must not contain an empty key", key);
            }

            if (ReservedProperties.Contains(name))
            {
                throw Invalid($"{nameof(Properties)}[{key}]", "must not be set: it is owned by a dedicated option or must keep its value (offsets are committed by the processor)", value);
            }

            if (value is null)
            {
                throw Invalid($"{nameof(Properties)}[{key}]", "must have a value", value);
            }
        }

        return this;
    }

    public ConsumerConfig ToConsumerConfig()
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = BootstrapServers,
            ClientId = ClientId,
            GroupId = GroupId,
            // The processor stores and commits offsets itself, after its results are durable.
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            // Sessionizing keeps state per partition: cooperative rebalancing only revokes the
            // partitions that move, where range (eager) revokes and rebuilds everything.
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            SessionTimeoutMs = (int)SessionTimeout.TotalMilliseconds,
            HeartbeatIntervalMs = (int)Math.Min(3000, SessionTimeout.TotalMilliseconds / 3),
        };
        // allow.auto.create.topics is already false for consumers; setting it explicitly only makes
        // librdkafka warn on every join against brokers (like the mock) that cannot honour it.
        Apply(config, ConsumerThroughputDefaults, "consumer.");
        return config;
    }

    public ProducerConfig ToProducerConfig()
    {
        var config = new ProducerConfig
        {
            BootstrapServers = BootstrapServers,
            ClientId = ClientId,
            // The mock cluster implements InitProducerId, so idempotence is tested here too.
            Acks = Acks.All,
            EnableIdempotence = true,
        };
        // Topics are created on purpose with their partition counts, never by a producer's typo.
        // (librdkafka's mock cluster auto-creates anyway: its Metadata API predates this flag.)
        config.Set("allow.auto.create.topics", "false");
        Apply(config, ProducerThroughputDefaults, "producer.");
        return config;
    }

    public AdminClientConfig ToAdminConfig()
    {
        var config = new AdminClientConfig { BootstrapServers = BootstrapServers, ClientId = ClientId };
        // An admin handle is a producer underneath: without this, a metadata query auto-creates the topic.
        config.Set("allow.auto.create.topics", "false");
        Apply(config, null, "admin.");
        return config;
    }

    private void Apply(ClientConfig config, IReadOnlyDictionary<string, string>? tuning, string scope)
    {
        if (SecurityProtocol is { } protocol)
        {
            config.SecurityProtocol = protocol;
        }

        if (SaslMechanism is { } mechanism)
        {
            config.SaslMechanism = mechanism;
            config.SaslUsername = SaslUsername;
            config.SaslPassword = SaslPassword;
        }

        if (TuneForThroughput && tuning is not null)
        {
            foreach (var (key, value) in tuning)
            {
                config.Set(key, value);
            }
        }

        foreach (var (key, value) in Properties)
        {
            var name = Unscoped(key, out var keyScope);
            if (keyScope is null || keyScope == scope)
            {
                config.Set(name, value);
            }
        }
    }

    // The generated ToString would print the SASL password and every property value.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append($"BootstrapServers = {BootstrapServers}, Topic = {Topic}, DeadLetterTopic = {DeadLetterTopic}, ");
        builder.Append($"GroupId = {GroupId}, ClientId = {ClientId}, SecurityProtocol = {SecurityProtocol}, ");
        builder.Append($"SaslMechanism = {SaslMechanism}, SaslUsername = {SaslUsername}, SaslPassword = {(SaslPassword is null ? "null" : "***")}, ");
        builder.Append($"Properties = [{string.Join(", ", Properties.Keys)}]");
        return true;
    }

    private static string Unscoped(string key, out string? scope)
    {
        foreach (var prefix in (ReadOnlySpan<string>)["consumer.", "producer.", "admin."])
        {
            if (key.StartsWith(prefix, StringComparison.Ordinal))
            {
                scope = prefix;
                return key[prefix.Length..];
            }
        }

        scope = null;
        return key;
    }

    private void ValidateSecurity()
    {
        var sasl = SecurityProtocol is Confluent.Kafka.SecurityProtocol.SaslPlaintext or Confluent.Kafka.SecurityProtocol.SaslSsl;
        if (SaslMechanism is not null && !sasl)
        {
            throw Invalid(nameof(SecurityProtocol), $"must be SaslPlaintext or SaslSsl when SaslMechanism is {SaslMechanism}", SecurityProtocol);
        }

        if (sasl && SaslMechanism is null)
        {
            throw Invalid(nameof(SaslMechanism), $"must be set when SecurityProtocol is {SecurityProtocol}", SaslMechanism);
        }

        if (SaslMechanism is null && (SaslUsername is not null || SaslPassword is not null))
        {
            throw Invalid(nameof(SaslMechanism), "must be set when SaslUsername or SaslPassword is", SaslMechanism);
        }

        if (SaslMechanism is Confluent.Kafka.SaslMechanism.Plain or Confluent.Kafka.SaslMechanism.ScramSha256 or Confluent.Kafka.SaslMechanism.ScramSha512)
        {
            if (string.IsNullOrEmpty(SaslUsername))
            {
                throw Invalid(nameof(SaslUsername), $"must be set for SASL {SaslMechanism}", SaslUsername);
            }

            if (string.IsNullOrEmpty(SaslPassword))
            {
                // Never echo a secret back; say only whether it was there.
                throw Invalid(nameof(SaslPassword), $"must be set for SASL {SaslMechanism}", SaslPassword is null ? null : "(empty)");
            }
        }
    }

    private static void ValidateBootstrap(string? servers)
    {
        const string Rule = "must be a comma-separated list of host:port (port 1-65535), e.g. localhost:9092";
        if (string.IsNullOrWhiteSpace(servers))
        {
            throw Invalid(nameof(BootstrapServers), Rule, servers);
        }

        foreach (var entry in servers.Split(','))
        {
            var match = BootstrapEntry().Match(entry.Trim());
            if (!match.Success || !int.TryParse(match.Groups["port"].ValueSpan, out var port) || port is < 1 or > 65535)
            {
                throw Invalid(nameof(BootstrapServers), Rule, servers);
            }
        }
    }

    public static void ValidateTopicName(string component, string key, string? topic)
    {
        if (topic is null || topic.Length is 0 or > 249 || topic is "." or ".." || !TopicName().IsMatch(topic))
        {
            throw new OptionsValidationException(component, key, "must be a Kafka topic name: 1-249 characters of a-z, A-Z, 0-9, '.', '_' or '-', and not '.' or '..'", topic);
        }
    }

    private static OptionsValidationException Invalid(string key, string rule, object? value) => new(Component, key, rule, value);

    [GeneratedRegex(@"^([A-Za-z_]+://)?(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._\-]+):(?<port>[0-9]{1,5})$")]
    private static partial Regex BootstrapEntry();

    [GeneratedRegex(@"^[A-Za-z0-9._\-]+$")]
    private static partial Regex TopicName();
}
