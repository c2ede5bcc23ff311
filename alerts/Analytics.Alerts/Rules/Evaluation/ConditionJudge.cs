using Analytics.Alerts.Detectors;
using Analytics.Alerts.Detectors.Rates;
using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Rules.Evaluation;

/// <summary>One window's verdict on one slice, with the figures the alert shows.</summary>
internal readonly record struct Judgement(Verdict Verdict, double? Value, double? Baseline, double? Threshold, double Volume);

/// <summary>
/// Judges one slice in one window against a rule's condition. Levels are strict on the breaching side
/// and inclusive on the healthy side: <c>above: X</c> breaches when value &gt; X, <c>clear_below: Y</c>
/// clears when value ≤ Y, and between the two the state holds.
/// </summary>
internal sealed class ConditionJudge(AlertRule rule, double absenceAlpha)
{
    public Judgement Judge(SeriesState state, long windowStartMs, SliceRow? row, SliceRow? weekAgo) => rule.Condition switch
    {
        ThresholdCondition t => Threshold(t, row),
        WeekOverWeekCondition w => WeekOverWeek(w, row, weekAgo),
        AbsenceCondition a => Absence(a, state, row),
        AnomalyCondition a => Anomaly(a, state, windowStartMs, row),
        _ => throw new InvalidOperationException($"No judge for {rule.Condition.Kind}."),
    };

    /// <summary>A fresh detector for an anomaly rule: the rate detector watches the direction that is bad for the metric.</summary>
    public static IDetector CreateDetector(AlertRule rule, AnomalyCondition condition) => condition.Detector == "rate"
        ? new RateDetector(new RateOptions { Direction = rule.Metric.HigherIsWorse ? RateDirection.Up : RateDirection.Down })
        : DetectorCatalog.Create(condition.Detector);

    private double Volume(SliceRow? row) => row?.Get(rule.Metric.VolumeColumn) ?? 0;

    private double? Value(SliceRow? row) => row?.Get(rule.Metric.Name) ?? (rule.Metric.IsAdditive ? 0 : null);

    private Judgement Threshold(ThresholdCondition t, SliceRow? row)
    {
        var volume = Volume(row);
        if (row is null || volume < rule.MinVolume || Value(row) is not { } v)
        {
            return new(Verdict.Skip, Value(row), null, t.Fire, volume);
        }

        var verdict = t.Above
            ? (v > t.Fire ? Verdict.Breach : v <= t.Clear ? Verdict.Clear : Verdict.Hold)
            : (v < t.Fire ? Verdict.Breach : v >= t.Clear ? Verdict.Clear : Verdict.Hold);
        return new(verdict, v, null, t.Fire, volume);
    }

    /// <summary>min_volume applies to the baseline week, so a slice that fell to nothing can still be judged.</summary>
    private Judgement WeekOverWeek(WeekOverWeekCondition w, SliceRow? row, SliceRow? weekAgo)
    {
        var volume = Volume(row);
        var value = Value(row);
        if (weekAgo is null || Volume(weekAgo) < rule.MinVolume || weekAgo.Get(rule.Metric.Name) is not { } baseline || baseline <= 0 || value is not { } v)
        {
            return new(Verdict.Skip, value, weekAgo?.Get(rule.Metric.Name), null, volume);
        }

        var change = w.Drop ? (baseline - v) / baseline : (v - baseline) / baseline;
        var threshold = baseline * (w.Drop ? 1 - w.Change : 1 + w.Change);
        var verdict = change >= w.Change ? Verdict.Breach : change < w.ClearChange ? Verdict.Clear : Verdict.Hold;
        return new(verdict, v, baseline, threshold, volume);
    }

    /// <summary>The baseline is an EWMA of healthy windows' volume, frozen while the slice is quiet so an outage does not become normal.</summary>
    private Judgement Absence(AbsenceCondition a, SeriesState state, SliceRow? row)
    {
        var volume = Volume(row);
        var baseline = state.BaselineWindows > 0 ? state.BaselineVolume : (double?)null;
        var verdict = baseline is not { } b || b < a.MinBaseline
            ? Verdict.Skip
            : volume < a.BelowFraction * b ? Verdict.Breach : volume >= a.ClearFraction * b ? Verdict.Clear : Verdict.Hold;
        if (verdict is Verdict.Skip or Verdict.Clear)
        {
            state.BaselineVolume = state.BaselineWindows == 0 ? volume : state.BaselineVolume + (absenceAlpha * (volume - state.BaselineVolume));
            state.BaselineWindows++;
        }

        return new(verdict, volume, baseline, baseline * a.BelowFraction, volume);
    }

    /// <summary>Windows under min volume are neither scored nor learnt from. Threshold is the score level.</summary>
    private Judgement Anomaly(AnomalyCondition a, SeriesState state, long windowStartMs, SliceRow? row)
    {
        var volume = Volume(row);
        var value = row?.Get(rule.Metric.Name);
        if (row is null || volume < rule.MinVolume)
        {
            return new(Verdict.Skip, value, null, a.ScoreAbove, volume);
        }

        var detector = state.Detector ??= CreateDetector(rule, a);
        double score;
        double? baseline = null;
        if (detector is RateDetector rate && rule.Metric.Ratio?.Counts(row.Get) is { } counts)
        {
            baseline = double.IsFinite(rate.BaselineRate) ? rate.BaselineRate : null;
            score = rate.Score(windowStartMs, counts.Numerator, counts.Denominator);
        }
        else if (detector is IRatioDetector ratio && rule.Metric.Ratio?.Counts(row.Get) is { } parts)
        {
            score = ratio.Score(windowStartMs, parts.Numerator, parts.Denominator);
        }
        else if (detector is IAnomalyDetector values && value is { } v)
        {
            score = values.Score(windowStartMs, v);
        }
        else
        {
            return new(Verdict.Skip, value, null, a.ScoreAbove, volume);
        }

        var verdict = score >= a.ScoreAbove ? Verdict.Breach : score < a.ClearBelow ? Verdict.Clear : Verdict.Hold;
        return new(verdict, value, baseline, a.ScoreAbove, volume);
    }
}
