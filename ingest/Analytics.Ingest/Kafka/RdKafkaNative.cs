using System.Runtime.InteropServices;

namespace Analytics.Ingest.Kafka;

/// <summary>
/// The few librdkafka C functions Confluent.Kafka does not wrap: the mock cluster (rdkafka_mock.h,
/// an experimental API without ABI guarantees, checked against librdkafka 2.0.2) and the cluster id.
/// Call <see cref="LibRdKafka.EnsureLoaded"/> first so that <see cref="LibRdKafka.NativeName"/> resolves.
/// </summary>
internal static partial class RdKafkaNative
{
    public const int ProducerType = 0;
    public const int ConfOk = 0;

    [LibraryImport(LibRdKafka.NativeName)]
    public static partial IntPtr rd_kafka_conf_new();

    [LibraryImport(LibRdKafka.NativeName)]
    public static partial void rd_kafka_conf_destroy(IntPtr conf);

    [LibraryImport(LibRdKafka.NativeName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_conf_set(IntPtr conf, string name, string value, byte[] errstr, nuint errstrSize);

    /// <summary>Takes ownership of <paramref name="conf"/> on success only.</summary>
    [LibraryImport(LibRdKafka.NativeName)]
    public static partial IntPtr rd_kafka_new(int type, IntPtr conf, byte[] errstr, nuint errstrSize);

    [LibraryImport(LibRdKafka.NativeName)]
    public static partial void rd_kafka_destroy(IntPtr rk);

    [LibraryImport(LibRdKafka.NativeName)]
    public static partial IntPtr rd_kafka_clusterid(IntPtr rk, int timeoutMs);

    [LibraryImport(LibRdKafka.NativeName)]
    public static partial void rd_kafka_mem_free(IntPtr rk, IntPtr ptr);

    [LibraryImport(LibRdKafka.NativeName)]
    public static partial IntPtr rd_kafka_mock_cluster_new(IntPtr rk, int brokerCount);

    [LibraryImport(LibRdKafka.NativeName)]
    public static partial void rd_kafka_mock_cluster_destroy(IntPtr mcluster);

    [LibraryImport(LibRdKafka.NativeName)]
    public static partial IntPtr rd_kafka_mock_cluster_bootstraps(IntPtr mcluster);

    [LibraryImport(LibRdKafka.NativeName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_topic_create(IntPtr mcluster, string topic, int partitionCount, int replicationFactor);

    [LibraryImport(LibRdKafka.NativeName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial void rd_kafka_mock_topic_set_error(IntPtr mcluster, string topic, int error);

    [LibraryImport(LibRdKafka.NativeName, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int rd_kafka_mock_partition_set_leader(IntPtr mcluster, string topic, int partition, int brokerId);

    [LibraryImport(LibRdKafka.NativeName)]
    public static partial int rd_kafka_mock_broker_set_down(IntPtr mcluster, int brokerId);

    [LibraryImport(LibRdKafka.NativeName)]
    public static partial int rd_kafka_mock_broker_set_up(IntPtr mcluster, int brokerId);

    [LibraryImport(LibRdKafka.NativeName)]
    public static partial int rd_kafka_mock_broker_set_rtt(IntPtr mcluster, int brokerId, int rttMs);

    [LibraryImport(LibRdKafka.NativeName)]
    public static partial void rd_kafka_mock_push_request_errors_array(IntPtr mcluster, short apiKey, nuint count, int[] errors);

    [LibraryImport(LibRdKafka.NativeName)]
    public static partial void rd_kafka_mock_clear_request_errors(IntPtr mcluster, short apiKey);

    /// <summary>Creates an rd_kafka_t of <paramref name="type"/>; throws with librdkafka's own words on bad config.</summary>
    public static IntPtr CreateHandle(int type, IEnumerable<KeyValuePair<string, string>> config)
    {
        LibRdKafka.EnsureLoaded();
        var errstr = new byte[512];
        var conf = rd_kafka_conf_new();
        foreach (var (key, value) in config)
        {
            if (rd_kafka_conf_set(conf, key, value, errstr, (nuint)errstr.Length) != ConfOk)
            {
                rd_kafka_conf_destroy(conf);
                throw new KafkaException($"librdkafka rejected {key}={value}: {ErrorString(errstr)}. Fix the Kafka settings.", isTransient: false);
            }
        }

        var rk = rd_kafka_new(type, conf, errstr, (nuint)errstr.Length);
        if (rk == IntPtr.Zero)
        {
            rd_kafka_conf_destroy(conf);
            throw new KafkaException($"librdkafka could not create a client: {ErrorString(errstr)}.", isTransient: false);
        }

        return rk;
    }

    private static string ErrorString(byte[] errstr)
    {
        var end = Array.IndexOf(errstr, (byte)0);
        return System.Text.Encoding.UTF8.GetString(errstr, 0, end < 0 ? errstr.Length : end);
    }
}
