namespace Analytics.Processors.Pipeline;

/// <summary>
/// Keeps idle partitions from holding windows open: a partition without messages for the idle
/// timeout follows the slowest active partition's watermark, as Flink's idleness does.
/// </summary>
internal sealed class IdlePartitions
{
    private readonly TimeSpan _idleTimeout;
    private readonly TimeProvider _time;
    private readonly Dictionary<int, long> _lastMessageAt = [];

    public IdlePartitions(TimeSpan idleTimeout, TimeProvider time)
    {
        _idleTimeout = idleTimeout;
        _time = time;
    }

    /// <summary>A message (or an assignment) counts as activity.</summary>
    public void Seen(int partition, long timestamp) => _lastMessageAt[partition] = timestamp;

    /// <summary>The watermark each idle partition should advance to, given the processors assigned.</summary>
    public IReadOnlyList<(int Partition, long Watermark)> Advances(IEnumerable<KeyValuePair<int, PartitionProcessor>> assigned)
    {
        var idle = new List<(int, PartitionProcessor)>();
        var activeMin = long.MaxValue;
        foreach (var (p, processor) in assigned)
        {
            if (_time.GetElapsedTime(_lastMessageAt.GetValueOrDefault(p)) >= _idleTimeout)
            {
                idle.Add((p, processor));
            }
            else
            {
                activeMin = Math.Min(activeMin, processor.Watermark);
            }
        }

        if (activeMin is long.MaxValue or long.MinValue)
        {
            return [];
        }

        return [.. idle.Where(i => i.Item2.Watermark < activeMin).Select(i => (i.Item1, activeMin))];
    }
}
