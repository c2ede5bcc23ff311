using System.Collections.Concurrent;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Analytics.Processors.Pipeline;

/// <summary>
/// Commits offsets to Kafka, only those the output reported durable (from the sink's thread); the
/// commit itself runs on the consumer thread, as librdkafka's consumer is not shared.
/// </summary>
internal sealed class OffsetCommitter
{
    private readonly string _topic;
    private readonly ILogger _log;
    private readonly ConcurrentQueue<TopicPartitionOffset> _queue = new();
    private long _commits;

    public OffsetCommitter(string topic, ILogger log)
    {
        _topic = topic;
        _log = log;
    }

    public long Commits => Interlocked.Read(ref _commits);

    /// <summary>Everything before <paramref name="nextOffset"/> is durable: it may be committed.</summary>
    public void Committable(PartitionId partition, long nextOffset)
        => _queue.Enqueue(new TopicPartitionOffset(_topic, partition.Partition, nextOffset));

    public void Commit(IConsumer<byte[], byte[]> consumer)
    {
        if (_queue.IsEmpty)
        {
            return;
        }

        var latest = new Dictionary<int, TopicPartitionOffset>();
        while (_queue.TryDequeue(out var tpo))
        {
            latest[tpo.Partition.Value] = tpo;
        }

        try
        {
            consumer.Commit(latest.Values);
            Interlocked.Add(ref _commits, latest.Count);
        }
        catch (KafkaException ex)
        {
            // The checkpoints are stored: a later commit, or the next owner reading them, covers this.
            _log.LogWarning("Committing offsets failed ({Reason}); the next checkpoint commits again.", ex.Error.Reason);
        }
    }
}
