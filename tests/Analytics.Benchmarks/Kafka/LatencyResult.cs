namespace Analytics.Benchmarks.Kafka;

/// <summary>p50 and p99 of a set of delays, in milliseconds.</summary>
internal readonly record struct Percentiles(double P50, double P99, double Max, int Count)
{
    public static Percentiles Of(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0
            ? new Percentiles(double.NaN, double.NaN, double.NaN, 0)
            : new Percentiles(At(sorted, 0.50), At(sorted, 0.99), sorted[^1], sorted.Length);
    }

    // Nearest rank: the value at or below which the fraction q of the samples lie.
    private static double At(double[] sorted, double q) => sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
}

/// <summary>
/// Beacons/s produced and processed over the sampled span, and how many were produced but not yet
/// processed at its end: a processor slower than the traffic measures its backlog, not its latency.
/// </summary>
internal readonly record struct LiveRates(double Produced, double Processed, long Backlog)
{
    public bool KeptUp => Processed >= 0.95 * Produced;
}

/// <summary>
/// What the latency phase measured. <see cref="ProduceToQueryable"/>: per sampled beacon, its produce time
/// to its 10 s window row being queryable. <see cref="CloseToQueryable"/>: per window row (window,
/// partition), from the produce time of the partition's first beacon past the window's end +
/// out-of-orderness (when the window can close) to queryable. <see cref="Unseen"/>:
/// sampled beacons whose window row never showed up within the wait.
/// </summary>
internal sealed record LatencyResult(
    double WindowSeconds,
    double OutOfOrdernessSeconds,
    double WarmUpSeconds,
    LiveRates Rates,
    Percentiles ProduceToQueryable,
    Percentiles CloseToQueryable,
    int Unseen,
    long ProducerFailures,
    string? FirstProducerError,
    long PollFailures)
{
    public static LatencyResult From(
        IReadOnlyList<BeaconSample> samples,
        IReadOnlyDictionary<(long WindowStartMs, int Partition), long> firstSeen,
        TimeSpan window,
        TimeSpan outOfOrderness,
        LiveRates rates,
        long producerFailures,
        string? firstProducerError,
        long pollFailures,
        TimeSpan warmUp)
    {
        var perBeacon = new List<double>(samples.Count);
        var unseen = 0;
        foreach (var s in samples)
        {
            if (firstSeen.TryGetValue((s.WindowStartMs, s.Partition), out var seen))
            {
                perBeacon.Add(seen - s.ProducedMs);
            }
            else
            {
                unseen++;
            }
        }

        // A window can close once its partition gets a beacon past its end + out-of-orderness: the
        // first such sampled beacon's produce time, which is wall time even when the simulator lags.
        var closeMs = (long)(window + outOfOrderness).TotalMilliseconds;
        var byPartition = samples.GroupBy(s => s.Partition).ToDictionary(g => g.Key, g => g.ToArray());
        var perRow = new List<double>();
        foreach (var (ws, partition) in samples.Select(s => (s.WindowStartMs, s.Partition)).Distinct())
        {
            var closing = byPartition[partition].Where(s => s.WindowStartMs >= ws + closeMs).Select(s => s.ProducedMs).DefaultIfEmpty(-1).Min();
            if (closing >= 0 && firstSeen.TryGetValue((ws, partition), out var seen))
            {
                perRow.Add(seen - closing);
            }
        }

        return new LatencyResult(
            window.TotalSeconds,
            outOfOrderness.TotalSeconds,
            warmUp.TotalSeconds,
            rates,
            Percentiles.Of(perBeacon),
            Percentiles.Of(perRow),
            unseen,
            producerFailures,
            firstProducerError,
            pollFailures);
    }
}
