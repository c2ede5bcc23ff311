using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Rules.Evaluation;

/// <summary>
/// Runs a <see cref="RuleSet"/> window by window. Each call judges the rules of one window size on one
/// window, reading every distinct (<c>by</c>, filter) once from the source (and once more a week
/// earlier for week-over-week rules). Per (rule, slice) it keeps the state of <c>for</c>, hysteresis,
/// absence baselines and anomaly detectors; <see cref="WriteState"/> saves all of it.
/// <para>
/// Windows must come in order per rule: a window before the last one judged is ignored (empty result),
/// and the last one asked again returns the same signals without advancing any state. Below
/// <c>min_volume</c> a slice is not judged: a firing alert stays firing, a pending one resets.
/// After a restart (<see cref="ReadState"/>) the last window asked again returns nothing.
/// Not thread-safe: one caller evaluates at a time.
/// </para>
/// </summary>
internal sealed class RuleEvaluator
{
    private readonly TimeProvider _time;
    private readonly List<RuleRuntime> _rules;

    public RuleEvaluator(RuleSet rules, TimeProvider? time = null, RuleEvaluatorOptions? options = null)
    {
        Options = options ?? new RuleEvaluatorOptions();
        Options.Validate();
        Rules = rules;
        _time = time ?? TimeProvider.System;
        _rules = [.. rules.Rules.Select(r => new RuleRuntime(r, Options))];
    }

    public RuleSet Rules { get; }

    public RuleEvaluatorOptions Options { get; }

    /// <summary>Wall-clock time of the last evaluation, for health checks (null before the first).</summary>
    public DateTimeOffset? LastEvaluatedAt { get; private set; }

    /// <summary>How many (rule, slice) states are held: the memory the caps bound.</summary>
    public int SeriesCount => _rules.Sum(r => r.Series.Count);

    internal IReadOnlyList<RuleRuntime> Runtimes => _rules;

    public async Task<IReadOnlyList<AlertSignal>> EvaluateAsync(long windowStartMs, long windowMs, ISliceSource source, CancellationToken ct)
    {
        var reads = new Dictionary<(string By, string Filter, long Start), IReadOnlyList<SliceRow>>();
        var signals = new List<AlertSignal>();
        foreach (var runtime in _rules.Where(r => r.Rule.WindowMs == windowMs))
        {
            if (windowStartMs <= runtime.LastWindowMs)
            {
                signals.AddRange(windowStartMs == runtime.LastWindowMs ? runtime.LastSignals : []);
                continue;
            }

            var rule = runtime.Rule;
            var rows = await Read(rule, windowStartMs);
            var weekAgo = rule.Condition is WeekOverWeekCondition ? await Read(rule, windowStartMs - WeekOverWeekCondition.WeekMs) : null;
            signals.AddRange(runtime.Evaluate(windowStartMs, rows, weekAgo));
        }

        LastEvaluatedAt = _time.GetUtcNow();
        return signals;

        async Task<IReadOnlyList<SliceRow>> Read(AlertRule rule, long start)
        {
            var filter = rule.SourceFilter;
            var key = (string.Join(',', rule.By), filter.IsGlobal ? "" : filter.ToString(), start);
            if (!reads.TryGetValue(key, out var rows))
            {
                rows = await source.ReadAsync(new SliceQuery(rule.By, start, windowMs), filter.IsGlobal ? null : filter, ct);
                reads[key] = rows;
            }

            return rows;
        }
    }

    /// <summary>Saves every rule's state; <see cref="ReadState"/> of an evaluator over the same rules resumes exactly.</summary>
    public void WriteState(BinaryWriter writer) => RuleStateCodec.Write(writer, _rules);

    /// <summary>
    /// Restores state written by <see cref="WriteState"/>. A rule that is gone, or whose definition changed,
    /// has its saved state dropped and starts afresh; rules not in the saved state keep theirs.
    /// Throws <see cref="RuleStateException"/> when the bytes are not rule state.
    /// </summary>
    public void ReadState(BinaryReader reader) => RuleStateCodec.Read(reader, _rules, Options);
}
