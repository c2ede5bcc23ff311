using Analytics.Alerts.Rules.Templates;
using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Rules.Evaluation;

/// <summary>One rule's memory: its slices' states and the last window it judged.</summary>
internal sealed class RuleRuntime(AlertRule rule, RuleEvaluatorOptions options)
{
    private readonly ConditionJudge _judge = new(rule, options.AbsenceBaselineAlpha);

    public AlertRule Rule { get; } = rule;

    public Dictionary<Slice, SeriesState> Series { get; } = [];

    /// <summary>The last window judged; windows at or before it are not judged again.</summary>
    public long LastWindowMs { get; set; } = long.MinValue;

    /// <summary>The verdict of <see cref="LastWindowMs"/>, returned again when that window is asked for twice.</summary>
    public IReadOnlyList<AlertSignal> LastSignals { get; set; } = [];

    /// <summary>Whether a row is inside the rule's <c>where</c> (dimensions the row lacks were filtered by the source).</summary>
    public bool Matches(Slice slice) => Rule.Where.Dimensions.All(d => slice[d.Key] is not { } v || v == d.Value);

    /// <summary>Judges every slice with a row now (or a week ago, or remembered) and returns the signals.</summary>
    public List<AlertSignal> Evaluate(long windowStartMs, IReadOnlyList<SliceRow> rows, IReadOnlyList<SliceRow>? weekAgo)
    {
        var now = rows.Where(r => Matches(r.Slice)).ToDictionary(r => r.Slice);
        var before = weekAgo?.Where(r => Matches(r.Slice)).ToDictionary(r => r.Slice) ?? [];
        var signals = Evict(windowStartMs, now);
        var slices = now.Keys.Union(before.Keys).Union(Series.Keys).ToList();
        foreach (var slice in slices)
        {
            var row = now.GetValueOrDefault(slice);
            if (!Series.TryGetValue(slice, out var state))
            {
                state = new SeriesState { LastSeenMs = windowStartMs };
                Series[slice] = state;
            }

            if (row is not null && (row.Get(Rule.Metric.VolumeColumn) ?? 0) > 0)
            {
                state.LastSeenMs = windowStartMs;
            }

            var judgement = _judge.Judge(state, windowStartMs, row, before.GetValueOrDefault(slice));
            var since = state.SinceMs;
            if (state.Advance(judgement.Verdict, windowStartMs, Rule.Condition.For) is { } alertState)
            {
                signals.Add(Signal(slice, windowStartMs, alertState, judgement, alertState == AlertState.Resolved ? since : state.SinceMs));
            }

            // Threshold and week-over-week slices carry nothing between windows while quiet: keep only the live ones.
            if (Rule.Condition is ThresholdCondition or WeekOverWeekCondition && !state.Firing && state.Streak == 0)
            {
                Series.Remove(slice);
            }
        }

        LastWindowMs = windowStartMs;
        LastSignals = signals;
        return signals;
    }

    /// <summary>Forgets idle slices (resolving firing ones) and, over the cap, the longest-idle quiet ones.</summary>
    private List<AlertSignal> Evict(long windowStartMs, Dictionary<Slice, SliceRow> now)
    {
        var idle = Series.Where(s => windowStartMs - s.Value.LastSeenMs > (long)options.IdleEviction.TotalMilliseconds && !now.ContainsKey(s.Key)).ToList();
        var signals = new List<AlertSignal>();
        foreach (var (slice, state) in idle)
        {
            if (state.Firing)
            {
                signals.Add(Signal(slice, windowStartMs, AlertState.Resolved, new(Verdict.Skip, null, null, null, 0), state.SinceMs));
            }

            Series.Remove(slice);
        }

        var excess = Series.Count - options.MaxSeriesPerRule;
        if (excess > 0)
        {
            foreach (var slice in Series.Where(s => !s.Value.Firing && s.Value.Streak == 0).OrderBy(s => s.Value.LastSeenMs).Take(excess).Select(s => s.Key).ToList())
            {
                Series.Remove(slice);
            }
        }

        return signals;
    }

    private AlertSignal Signal(Slice slice, long windowStartMs, AlertState state, Judgement j, long sinceMs)
    {
        var labels = new Dictionary<string, string>(Rule.Labels, StringComparer.Ordinal);
        foreach (var (dim, value) in slice.Dimensions)
        {
            labels[dim] = value;
        }

        labels["alertname"] = Rule.Name;
        labels["severity"] = Rule.Severity.ToString();
        var values = new TemplateValues(Rule.Name, Rule.Severity, Rule.Metric.Name, slice, j.Value, j.Baseline, j.Threshold, j.Volume, sinceMs);
        var annotations = Rule.Annotations.ToDictionary(a => a.Key, a => a.Value.Render(values), StringComparer.Ordinal);
        return new AlertSignal(Rule.Name, Rule.Severity, Rule.Metric.Name, slice, windowStartMs, Rule.WindowMs, state, j.Value, j.Baseline, j.Threshold, j.Volume, labels, annotations)
        {
            SinceMs = sinceMs,
        };
    }
}
