using System.Collections.Concurrent;

namespace Analytics.Processors.Health;

/// <summary>
/// When each partition's state was last made durable, and how long the sink's inserts take: the two
/// figures of <c>pipeline_health</c> only the sink sees. Written by the sink and the consumer thread,
/// read by the health reporter.
/// </summary>
internal sealed class DurabilityClock
{
    private readonly TimeProvider _time;
    private readonly ConcurrentDictionary<int, long> _durableAt = new();
    private readonly Lock _gate = new();
    private List<double> _insertsMs = [];

    public DurabilityClock(TimeProvider time) => _time = time;

    /// <summary>A partition was assigned: until its first checkpoint, a crash replays from its restored state.</summary>
    public void Assigned(int partition) => _durableAt[partition] = _time.GetUtcNow().ToUnixTimeMilliseconds();

    public void Checkpointed(int partition) => _durableAt[partition] = _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Seconds since the partition was last durable here, or null if this instance never owned it.</summary>
    public double? CheckpointAgeSeconds(int partition)
        => _durableAt.TryGetValue(partition, out var at) ? Math.Max(0, _time.GetUtcNow().ToUnixTimeMilliseconds() - at) / 1000.0 : null;

    public void Inserted(TimeSpan took)
    {
        lock (_gate)
        {
            _insertsMs.Add(took.TotalMilliseconds);
        }
    }

    /// <summary>The insert durations recorded since the previous call.</summary>
    public IReadOnlyList<double> TakeInserts()
    {
        lock (_gate)
        {
            var taken = _insertsMs;
            _insertsMs = [];
            return taken;
        }
    }
}
