namespace Analytics.Processors.Health;

/// <summary>
/// One owned partition's figures at a moment, as its processor counts them. The owner is the
/// partition's processor: a new owner after a rebalance counts from zero again. The watermark is
/// <see cref="long.MinValue"/> before the first beacon; the lag is null while unknown. A retired
/// partition was released since the previous sample: its last counts are reported, and its gauges
/// as they were at release unless this instance owns the partition again.
/// </summary>
internal readonly record struct PartitionFigures(
    int Partition,
    object Owner,
    long Events,
    long Late,
    long Orphans,
    long Duplicates,
    long Lost,
    int OpenSessions,
    long WatermarkMs,
    long? Lag,
    bool Retired = false);

/// <summary>The instance's cumulative figures at a moment.</summary>
internal sealed record PipelineFigures(
    IReadOnlyList<PartitionFigures> Partitions,
    IReadOnlyDictionary<string, long> DeadLettersByReason,
    long SinkRows);

/// <summary>
/// Turns the processor's cumulative counts into <c>pipeline_health</c> samples: counters become the
/// increase since the previous sample, so a sum over any time bucket counts each beacon once, even
/// across rebalances and restarts.
/// </summary>
internal sealed class HealthSampler
{
    private readonly Dictionary<object, long[]> _partitions = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, long> _deadLetters = new(StringComparer.Ordinal);
    private long _sinkRows;

    public IReadOnlyList<HealthSample> Sample(PipelineFigures figures, DurabilityClock clock, long nowMs)
    {
        var samples = new List<HealthSample>();
        var seen = new HashSet<object>(ReferenceEqualityComparer.Instance);
        var owned = figures.Partitions.Where(f => !f.Retired).Select(f => f.Partition).ToHashSet();
        foreach (var f in figures.Partitions.OrderBy(f => f.Partition))
        {
            seen.Add(f.Owner);
            long[] current = [f.Events, f.Late, f.Orphans, f.Duplicates, f.Lost];
            var previous = _partitions.GetValueOrDefault(f.Owner) ?? new long[current.Length];
            _partitions[f.Owner] = current;
            Add(samples, HealthMetric.Events, f.Partition, "", Increase(current[0], previous[0]));
            Add(samples, HealthMetric.LateBeacons, f.Partition, "", Increase(current[1], previous[1]));
            Add(samples, HealthMetric.OrphanBeacons, f.Partition, "", Increase(current[2], previous[2]));
            Add(samples, HealthMetric.DuplicateBeacons, f.Partition, "", Increase(current[3], previous[3]));
            Add(samples, HealthMetric.LostMessages, f.Partition, "", Increase(current[4], previous[4]));
            // A partition released and assigned again in one interval: its new owner's gauges stand.
            if (f.Retired && owned.Contains(f.Partition))
            {
                continue;
            }

            Add(samples, HealthMetric.OpenSessions, f.Partition, "", f.OpenSessions);
            if (f.Lag is { } lag)
            {
                Add(samples, HealthMetric.ConsumerLag, f.Partition, "", lag);
            }

            if (f.WatermarkMs != long.MinValue)
            {
                Add(samples, HealthMetric.WatermarkDelay, f.Partition, "", Math.Max(0, nowMs - f.WatermarkMs) / 1000.0);
            }

            if (clock.CheckpointAgeSeconds(f.Partition) is { } age)
            {
                Add(samples, HealthMetric.CheckpointAge, f.Partition, "", age);
            }
        }

        foreach (var gone in _partitions.Keys.Where(k => !seen.Contains(k)).ToList())
        {
            _partitions.Remove(gone);
        }

        foreach (var (reason, total) in figures.DeadLettersByReason.OrderBy(r => r.Key, StringComparer.Ordinal))
        {
            var increase = Increase(total, _deadLetters.GetValueOrDefault(reason));
            _deadLetters[reason] = total;
            if (increase > 0)
            {
                Add(samples, HealthMetric.DeadLetters, HealthSample.Instance, reason, increase);
            }
        }

        Add(samples, HealthMetric.SinkRows, HealthSample.Instance, "", Increase(figures.SinkRows, _sinkRows));
        _sinkRows = figures.SinkRows;
        var inserts = clock.TakeInserts();
        if (inserts.Count > 0)
        {
            var sorted = inserts.Order().ToArray();
            Add(samples, HealthMetric.SinkInsertP50, HealthSample.Instance, "", Median(sorted));
            Add(samples, HealthMetric.SinkInsertMax, HealthSample.Instance, "", sorted[^1]);
        }

        return samples;
    }

    // A count below the previous one means the counter started again (a new owner): all of it is new.
    private static long Increase(long current, long previous) => current >= previous ? current - previous : current;

    private static double Median(double[] sorted)
        => sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;

    private static void Add(List<HealthSample> samples, HealthMetric metric, int partition, string reason, double value)
        => samples.Add(new HealthSample(metric.Name, partition, reason, value));
}
