using Analytics.Processors.Aggregates;
using Analytics.Processors.Sketches;

namespace Analytics.Testing.Reference;

/// <summary>Compares streaming rows with the reference: exact for counts and sums, within the sketch's bound for percentiles.</summary>
internal static class RowComparer
{
    public static IReadOnlyList<double> CheckedQuantiles { get; } = [0.5, 0.9, 0.95, 0.99];

    /// <summary>Returns one line per disagreement (empty when they agree).</summary>
    public static List<string> Compare(IReadOnlyDictionary<ExpectedKey, ExpectedRow> expected, IReadOnlyDictionary<ExpectedKey, QoeAccumulator> actual, int maxReported = 20)
    {
        var problems = new List<string>();
        var nonEmptyExpected = expected.Where(kv => !IsEmpty(kv.Value)).ToDictionary();
        foreach (var (key, exp) in nonEmptyExpected)
        {
            if (!actual.TryGetValue(key, out var act))
            {
                problems.Add($"missing row {key}");
                continue;
            }

            Check(problems, key, "attempts", exp.Attempts, act.Attempts);
            Check(problems, key, "plays", exp.Plays, act.Plays);
            Check(problems, key, "vsf", exp.VideoStartFailures, act.VideoStartFailures);
            Check(problems, key, "ebvs", exp.ExitsBeforeVideoStart, act.ExitsBeforeVideoStart);
            Check(problems, key, "vpf", exp.PlaybackFailures, act.PlaybackFailures);
            Check(problems, key, "start_time_count", exp.StartTimesMs.Count, act.StartTime.Count);
            Check(problems, key, "start_time_sum_ms", exp.StartTimesMs.Sum(), act.StartTimeSumMs);
            Check(problems, key, "playing_ms", exp.PlayingMs, act.PlayingMs);
            Check(problems, key, "rebuffer_ms", exp.RebufferMs, act.RebufferMs);
            Check(problems, key, "seek_rebuffer_ms", exp.SeekRebufferMs, act.SeekRebufferMs);
            Check(problems, key, "rebuffers", exp.Rebuffers, act.Rebuffers);
            Check(problems, key, "seek_rebuffers", exp.SeekRebuffers, act.SeekRebuffers);
            Check(problems, key, "bitrate_kbps_ms", exp.BitrateKbpsMs, act.Bitrate.Numerator);
            Check(problems, key, "bitrate_ms", exp.PlayingMs, act.Bitrate.Denominator);
            Check(problems, key, "bitrate_switches", exp.BitrateSwitches, act.BitrateSwitches);
            Check(problems, key, "concurrent_plays", exp.ConcurrentPlays, act.ConcurrentPlays);
            Check(problems, key, "bytes", exp.Bytes, act.Bytes);
            Check(problems, key, "cache_hit_bytes", exp.CacheHitBytes, act.CacheHitBytes);
            Check(problems, key, "errors", exp.Errors, act.Errors);
            Check(problems, key, "fatal_errors", exp.FatalErrors, act.FatalErrors);
            foreach (var (code, count) in exp.ErrorsByCode)
            {
                Check(problems, key, $"errors[{code}]", count, act.ErrorsByCode?.GetValueOrDefault(code) ?? 0);
            }

            foreach (var q in CheckedQuantiles)
            {
                var exact = exp.ExactStartTimeQuantile(q);
                var estimate = act.StartTime.Quantile(q);
                if (!WithinSketchBound(exact, estimate))
                {
                    problems.Add($"{key} start_time p{q * 100}: exact {exact}, sketch {estimate}, outside ±{DdSketch.RelativeAccuracy:P0}");
                }
            }

            if (problems.Count >= maxReported)
            {
                break;
            }
        }

        foreach (var key in actual.Keys.Where(k => !nonEmptyExpected.ContainsKey(k)).Take(maxReported))
        {
            problems.Add($"unexpected row {key}");
        }

        return problems;
    }

    public static bool WithinSketchBound(double exact, double estimate)
    {
        if (double.IsNaN(exact))
        {
            return double.IsNaN(estimate);
        }

        // Values below 1 ms are stored as 1 ms.
        var reference = Math.Max(exact, 1);
        return Math.Abs(estimate - reference) <= (DdSketch.RelativeAccuracy * reference) + 1e-9;
    }

    private static bool IsEmpty(ExpectedRow r) =>
        r.Attempts == 0 && r.Plays == 0 && r.VideoStartFailures == 0 && r.ExitsBeforeVideoStart == 0 && r.PlaybackFailures == 0
        && r.PlayingMs == 0 && r.RebufferMs == 0 && r.Rebuffers == 0 && r.BitrateSwitches == 0 && r.ConcurrentPlays == 0
        && r.Bytes == 0 && r.Errors == 0;

    private static void Check(List<string> problems, ExpectedKey key, string metric, long expected, long actual)
    {
        if (expected != actual)
        {
            problems.Add($"{key} {metric}: expected {expected}, got {actual}");
        }
    }
}
