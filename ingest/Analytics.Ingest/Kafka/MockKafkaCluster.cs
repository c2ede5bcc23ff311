using System.Runtime.InteropServices;
using Confluent.Kafka;

namespace Analytics.Ingest.Kafka;

/// <summary>
/// librdkafka's in-process mock Kafka cluster: real Kafka protocol on 127.0.0.1 with random ports,
/// consumer groups and offset commits, plus fault injection. It lives as long as this object (and
/// the process). Any client in any process can bootstrap from <see cref="Bootstrap"/>.
/// </summary>
/// <remarks>
/// Limits of the mock (librdkafka 2.0.2): each partition keeps about the last 5 MiB or 100,000
/// message sets and silently drops older ones; it does not implement the CreateTopics admin API
/// (use <see cref="CreateTopic"/>) but auto-creates a 4-partition topic on any metadata request
/// naming it (its Metadata API is too old to carry allow.auto.create.topics); a broker set down keeps leading its
/// partitions; a consumer group's first join takes 3 s, and a member joining a non-empty group
/// makes it wait the session timeout − 1 s.
/// </remarks>
internal sealed class MockKafkaCluster : IDisposable
{
    private readonly Lock _gate = new();
    private IntPtr _handle;
    private IntPtr _cluster;

    public MockKafkaCluster(int brokerCount = 3)
    {
        if (brokerCount is < 1 or > 32)
        {
            throw new ArgumentOutOfRangeException(nameof(brokerCount), brokerCount, "A mock cluster has 1 to 32 brokers.");
        }

        // The host handle only does the cluster's bookkeeping; it never connects anywhere.
        _handle = RdKafkaNative.CreateHandle(RdKafkaNative.ProducerType, [new("log_level", "3"), new("client.id", "mock-cluster-host")]);
        _cluster = RdKafkaNative.rd_kafka_mock_cluster_new(_handle, brokerCount);
        if (_cluster == IntPtr.Zero)
        {
            RdKafkaNative.rd_kafka_destroy(_handle);
            _handle = IntPtr.Zero;
            throw new KafkaException("librdkafka could not start a mock cluster (no free local ports?).", isTransient: true);
        }

        Bootstrap = Marshal.PtrToStringUTF8(RdKafkaNative.rd_kafka_mock_cluster_bootstraps(_cluster))
            ?? throw new KafkaException("The mock cluster reported no bootstrap servers.", isTransient: false);
        BrokerIds = Enumerable.Range(1, brokerCount).ToArray();
    }

    /// <summary>Comma-separated host:port list of every mock broker.</summary>
    public string Bootstrap { get; }

    /// <summary>Broker ids are 1..brokerCount.</summary>
    public IReadOnlyList<int> BrokerIds { get; }

    /// <summary>Creates a topic; replicas are spread over the brokers, the first replica leads.</summary>
    public void CreateTopic(string name, int partitions, int replicationFactor = 1)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicationFactor, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(replicationFactor, BrokerIds.Count);
        Check(RdKafkaNative.rd_kafka_mock_topic_create(Cluster(), name, partitions, replicationFactor), $"create topic {name}");
    }

    /// <summary>Disconnects the broker and refuses new connections. Leadership does not move.</summary>
    public void SetBrokerDown(int brokerId) =>
        Check(RdKafkaNative.rd_kafka_mock_broker_set_down(Cluster(), brokerId), $"set broker {brokerId} down");

    public void SetBrokerUp(int brokerId) =>
        Check(RdKafkaNative.rd_kafka_mock_broker_set_up(Cluster(), brokerId), $"set broker {brokerId} up");

    /// <summary>Delays every response of the broker (-1: all brokers).</summary>
    public void SetBrokerRtt(int brokerId, TimeSpan rtt) =>
        Check(RdKafkaNative.rd_kafka_mock_broker_set_rtt(Cluster(), brokerId, (int)rtt.TotalMilliseconds), $"set broker {brokerId} rtt");

    /// <summary>
    /// The next requests of <paramref name="apiKey"/> (to any broker) fail with these errors, one
    /// request per error, in order. <see cref="ErrorCode.Local_Transport"/> makes the broker disconnect.
    /// </summary>
    public void PushRequestErrors(KafkaApiKey apiKey, params ErrorCode[] errorCodes)
    {
        ArgumentNullException.ThrowIfNull(errorCodes);
        var codes = Array.ConvertAll(errorCodes, e => (int)e);
        RdKafkaNative.rd_kafka_mock_push_request_errors_array(Cluster(), (short)apiKey, (nuint)codes.Length, codes);
    }

    public void ClearRequestErrors(KafkaApiKey apiKey) =>
        RdKafkaNative.rd_kafka_mock_clear_request_errors(Cluster(), (short)apiKey);

    /// <summary>Moves a partition's leadership (-1: leaderless). Creates the topic if missing.</summary>
    public void SetPartitionLeader(string topic, int partition, int brokerId) =>
        Check(RdKafkaNative.rd_kafka_mock_partition_set_leader(Cluster(), topic, partition, brokerId), $"set leader of {topic}[{partition}]");

    /// <summary>
    /// Metadata responses report this error for the topic (<see cref="ErrorCode.NoError"/> clears it).
    /// Only metadata: librdkafka 2.0.2 clients then see the topic without partitions and hold its
    /// messages until message.timeout.ms. For a produce that fails at once, push Produce errors.
    /// </summary>
    public void SetTopicError(string topic, ErrorCode error) =>
        RdKafkaNative.rd_kafka_mock_topic_set_error(Cluster(), topic, (int)error);

    public void Dispose()
    {
        lock (_gate)
        {
            if (_cluster != IntPtr.Zero)
            {
                RdKafkaNative.rd_kafka_mock_cluster_destroy(_cluster);
                _cluster = IntPtr.Zero;
            }

            if (_handle != IntPtr.Zero)
            {
                RdKafkaNative.rd_kafka_destroy(_handle);
                _handle = IntPtr.Zero;
            }
        }
    }

    private IntPtr Cluster()
    {
        var cluster = _cluster;
        ObjectDisposedException.ThrowIf(cluster == IntPtr.Zero, this);
        return cluster;
    }

    private static void Check(int error, string what)
    {
        if (error != 0)
        {
            var code = (ErrorCode)error;
            throw new KafkaException($"Mock cluster: could not {what}: {code} ({new Error(code).Reason}).", isTransient: false);
        }
    }
}
