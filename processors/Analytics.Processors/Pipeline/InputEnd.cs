using System.Collections.Concurrent;
using Confluent.Kafka;

namespace Analytics.Processors.Pipeline;

/// <summary>
/// Where the input ends: the consumer lag for status views, and, for a bounded run, whether every
/// assigned partition has reached the end it had when first asked.
/// </summary>
internal sealed class InputEnd
{
    private readonly string _topic;
    private readonly Dictionary<int, long> _endOffsets = [];
    private readonly ConcurrentDictionary<int, long> _lagByPartition = new();
    private long _lag;

    public InputEnd(string topic) => _topic = topic;

    public long Lag => Interlocked.Read(ref _lag);

    /// <summary>A partition's lag when last updated, or null if it was not assigned then.</summary>
    public long? LagOf(int partition) => _lagByPartition.TryGetValue(partition, out var lag) ? lag : null;

    public void UpdateLag(IConsumer<byte[], byte[]> consumer, IEnumerable<KeyValuePair<int, PartitionProcessor>> assigned)
    {
        long lag = 0;
        var seen = new HashSet<int>();
        foreach (var (p, processor) in assigned)
        {
            seen.Add(p);
            var marks = consumer.GetWatermarkOffsets(new TopicPartition(_topic, p));
            if (marks.High != Offset.Unset)
            {
                var behind = Math.Max(0, marks.High.Value - processor.NextOffset);
                _lagByPartition[p] = behind;
                lag += behind;
            }
        }

        foreach (var gone in _lagByPartition.Keys.Where(p => !seen.Contains(p)))
        {
            _lagByPartition.TryRemove(gone, out _);
        }

        Interlocked.Exchange(ref _lag, lag);
    }

    public bool Reached(IConsumer<byte[], byte[]> consumer, IReadOnlyCollection<KeyValuePair<int, PartitionProcessor>> assigned)
    {
        if (assigned.Count == 0)
        {
            return false;
        }

        var unknown = assigned.Select(a => a.Key).Where(p => !_endOffsets.ContainsKey(p)).ToList();
        if (unknown.Count > 0)
        {
            // The end as first seen, one round trip each: in parallel, as 40 in a row took 10 s on the mock.
            var ends = unknown.AsParallel().WithDegreeOfParallelism(Math.Min(16, unknown.Count))
                .Select(p => (p, End: consumer.QueryWatermarkOffsets(new TopicPartition(_topic, p), TimeSpan.FromSeconds(10)).High.Value))
                .ToList();
            foreach (var (p, end) in ends)
            {
                _endOffsets[p] = end;
            }
        }

        var reached = assigned.All(a => a.Value.NextOffset >= _endOffsets[a.Key]);
        if (reached)
        {
            Interlocked.Exchange(ref _lag, 0);
            foreach (var p in assigned)
            {
                _lagByPartition[p.Key] = 0;
            }
        }

        return reached;
    }
}
