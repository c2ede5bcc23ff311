using Confluent.Kafka;

namespace Analytics.Ingest.Kafka;

/// <summary>
/// One partition's lag: messages between the consumer's position and the high watermark. Null
/// parts are unknown (nothing fetched yet and no broker query allowed).
/// </summary>
internal readonly record struct PartitionLag(TopicPartition Partition, long? Position, long? HighWatermark)
{
    public long? Lag => Position is { } position && HighWatermark is { } high ? Math.Max(0, high - position) : null;
}

internal sealed record ConsumerLagSnapshot(IReadOnlyList<PartitionLag> Partitions)
{
    /// <summary>Sum over the partitions whose lag is known.</summary>
    public long Total => Partitions.Sum(p => p.Lag ?? 0);

    /// <summary>True when every assigned partition's lag is known, so <see cref="Total"/> is exact.</summary>
    public bool IsComplete => Partitions.All(p => p.Lag is not null);
}

internal static class ConsumerLag
{
    /// <summary>
    /// Lag of the consumer's current assignment. Without <paramref name="brokerTimeout"/> it only
    /// reads what librdkafka cached from fetch responses (cheap, no network: fine for a live view
    /// refreshing often). With it, unknown watermarks and positions are asked from the brokers
    /// (the committed offset, else the low watermark, as auto.offset.reset=earliest would).
    /// It only reads librdkafka's state, so a view may call it while another thread consumes.
    /// </summary>
    public static ConsumerLagSnapshot Measure<TKey, TValue>(IConsumer<TKey, TValue> consumer, TimeSpan? brokerTimeout = null)
    {
        var assignment = consumer.Assignment;
        var lags = new List<PartitionLag>(assignment.Count);
        List<TopicPartition>? uncommitted = null;
        foreach (var tp in assignment.OrderBy(p => p.Topic, StringComparer.Ordinal).ThenBy(p => p.Partition.Value))
        {
            long? position = consumer.Position(tp) is { IsSpecial: false } p ? p.Value : null;
            var cached = consumer.GetWatermarkOffsets(tp);
            long? high = cached is { High.IsSpecial: false } ? cached.High.Value : null;
            long? low = cached is { Low.IsSpecial: false } ? cached.Low.Value : null;
            if (brokerTimeout is { } timeout && (high is null || position is null))
            {
                var queried = TryQuery(consumer, tp, timeout);
                high ??= queried?.High.Value;
                low = queried?.Low.Value ?? low;
            }

            if (position is null && brokerTimeout is not null)
            {
                (uncommitted ??= []).Add(tp);
            }

            lags.Add(new PartitionLag(tp, position ?? (brokerTimeout is null ? null : low), high));
        }

        if (uncommitted is not null && brokerTimeout is { } committedTimeout)
        {
            FillCommitted(consumer, lags, uncommitted, committedTimeout);
        }

        return new ConsumerLagSnapshot(lags);
    }

    private static WatermarkOffsets? TryQuery<TKey, TValue>(IConsumer<TKey, TValue> consumer, TopicPartition tp, TimeSpan timeout)
    {
        try
        {
            return consumer.QueryWatermarkOffsets(tp, timeout);
        }
        catch (Confluent.Kafka.KafkaException)
        {
            // A lag view must not fail over one partition; its lag stays unknown.
            return null;
        }
    }

    private static void FillCommitted<TKey, TValue>(IConsumer<TKey, TValue> consumer, List<PartitionLag> lags, List<TopicPartition> partitions, TimeSpan timeout)
    {
        List<TopicPartitionOffset> committed;
        try
        {
            committed = consumer.Committed(partitions, timeout);
        }
        catch (Confluent.Kafka.KafkaException)
        {
            return;
        }

        foreach (var c in committed.Where(c => !c.Offset.IsSpecial))
        {
            var i = lags.FindIndex(l => l.Partition == c.TopicPartition);
            lags[i] = lags[i] with { Position = c.Offset.Value };
        }
    }
}
