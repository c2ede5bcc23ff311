namespace Analytics.Processors.Pipeline;

/// <summary>
/// When each owned partition is next checkpointed: shortly after it is assigned, then every interval
/// from its previous checkpoint. Per partition, so one assigned late is not kept waiting for the
/// others' turn, and a restart makes its offsets durable within seconds whatever the interval.
/// </summary>
internal sealed class CheckpointSchedule
{
    private readonly TimeSpan _interval;
    private readonly TimeSpan _first;
    private readonly TimeProvider _time;
    private readonly Dictionary<int, (long Since, bool Started)> _partitions = [];

    public CheckpointSchedule(TimeSpan interval, TimeSpan firstAfter, TimeProvider time)
    {
        _interval = interval;
        _first = firstAfter < interval ? firstAfter : interval;
        _time = time;
    }

    /// <summary>The owned partitions whose checkpoint is due at <paramref name="now"/> (a <see cref="TimeProvider"/> timestamp).</summary>
    public IReadOnlyList<int> Due(ICollection<int> owned, long now)
    {
        foreach (var gone in _partitions.Keys.Where(p => !owned.Contains(p)).ToList())
        {
            _partitions.Remove(gone);
        }

        var due = new List<int>();
        foreach (var p in owned)
        {
            if (!_partitions.TryGetValue(p, out var entry))
            {
                _partitions[p] = (now, false);
                continue;
            }

            if (_time.GetElapsedTime(entry.Since, now) >= (entry.Started ? _interval : _first))
            {
                _partitions[p] = (now, true);
                due.Add(p);
            }
        }

        return due;
    }
}
