using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Analytics.Ingest.Kafka;

/// <summary>
/// The cluster id names where the processor's input comes from: <c>&lt;clusterId&gt;/&lt;topic&gt;</c>,
/// so rows from two clusters (e.g. two demo runs, each with its own mock cluster) never collide.
/// </summary>
/// <remarks>
/// A mock cluster's id is <c>mockCluster</c> + hex of two heap addresses: stable for the cluster's
/// life and different between clusters, across processes only thanks to address randomization.
/// </remarks>
internal static class KafkaClusterInfo
{
    private static readonly TimeSpan Slice = TimeSpan.FromMilliseconds(200);

    public static string GetClusterId(string bootstrap, TimeSpan timeout) =>
        GetClusterId(new KafkaOptions { BootstrapServers = bootstrap }, timeout, CancellationToken.None);

    /// <summary>Asks the cluster through a temporary client; blocks up to <paramref name="timeout"/>.</summary>
    public static string GetClusterId(KafkaOptions options, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(timeout, TimeSpan.Zero);
        options.Validate();
        // librdkafka would log every refused connection on stderr; the exception below says it better.
        var config = options.ToAdminConfig()
            .Where(kv => !kv.Key.StartsWith("dotnet.", StringComparison.Ordinal))
            .Append(new("log_level", "2"));
        var rk = RdKafkaNative.CreateHandle(RdKafkaNative.ProducerType, config);
        try
        {
            var started = Stopwatch.GetTimestamp();
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var left = timeout - Stopwatch.GetElapsedTime(started);
                // Short slices so that cancellation is honoured while the broker is unreachable.
                var id = RdKafkaNative.rd_kafka_clusterid(rk, (int)Math.Clamp(Math.Min(left.TotalMilliseconds, Slice.TotalMilliseconds), 1, int.MaxValue));
                if (id != IntPtr.Zero)
                {
                    try
                    {
                        return Marshal.PtrToStringUTF8(id) ?? string.Empty;
                    }
                    finally
                    {
                        RdKafkaNative.rd_kafka_mem_free(rk, id);
                    }
                }

                if (left <= Slice)
                {
                    throw new KafkaException(
                        $"Kafka: no cluster id from {options.BootstrapServers} within {timeout}. Check that the brokers are running "
                        + "and reachable (./analytics broker starts a local one).",
                        isTransient: true);
                }
            }
        }
        finally
        {
            RdKafkaNative.rd_kafka_destroy(rk);
        }
    }

    public static Task<string> GetClusterIdAsync(KafkaOptions options, CancellationToken cancellationToken) =>
        Task.Run(() => GetClusterId(options, options.AdminTimeout, cancellationToken), cancellationToken);

    /// <summary>The topic's partition count from the cluster's metadata, or 0 if the topic is unknown.</summary>
    public static Task<int> GetPartitionCountAsync(KafkaOptions options, CancellationToken cancellationToken) => Task.Run(
        () =>
        {
            LibRdKafka.EnsureLoaded();
            using var admin = new Confluent.Kafka.AdminClientBuilder(options.ToAdminConfig()).Build();
            var metadata = admin.GetMetadata(options.Topic, options.AdminTimeout);
            return metadata.Topics.FirstOrDefault(t => t.Topic == options.Topic && !t.Error.IsError)?.Partitions.Count ?? 0;
        },
        cancellationToken);

    /// <summary>The identity of an input: <c>&lt;clusterId&gt;/&lt;topic&gt;</c>.</summary>
    public static string InputIdentity(string clusterId, string topic) => $"{clusterId}/{topic}";
}
