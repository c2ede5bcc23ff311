namespace Analytics.Alerts.Rules;

/// <summary>When a rule's slice breaches; <see cref="For"/> is how many consecutive breaching windows make it fire.</summary>
internal abstract record RuleCondition(int For)
{
    /// <summary>The YAML key: threshold, anomaly, week_over_week or absence.</summary>
    public abstract string Kind { get; }
}

/// <summary>
/// Fires when the value is past <see cref="Fire"/> (above it, or below it when <see cref="Above"/> is false)
/// and clears only once it is back past <see cref="Clear"/>: between the two, the state holds (hysteresis).
/// </summary>
internal sealed record ThresholdCondition(bool Above, double Fire, double Clear, int For) : RuleCondition(For)
{
    public override string Kind => "threshold";
}

/// <summary>Fires when a detector's score reaches <see cref="ScoreAbove"/>; clears when it is below <see cref="ClearBelow"/>.</summary>
internal sealed record AnomalyCondition(string Detector, double ScoreAbove, double ClearBelow, int For) : RuleCondition(For)
{
    public override string Kind => "anomaly";
}

/// <summary>
/// Compares the value with the same window 7 days earlier: fires when it fell (or rose, when
/// <see cref="Drop"/> is false) by at least <see cref="Change"/> of the baseline, clears when the change
/// is less than <see cref="ClearChange"/>.
/// </summary>
internal sealed record WeekOverWeekCondition(bool Drop, double Change, double ClearChange, int For) : RuleCondition(For)
{
    public const long WeekMs = 7 * 24 * 3_600_000L;

    public override string Kind => "week_over_week";
}

/// <summary>
/// A slice that had traffic goes quiet: its volume falls below <see cref="BelowFraction"/> of its recent
/// baseline (at least <see cref="MinBaseline"/>), or it disappears; clears at <see cref="ClearFraction"/>.
/// </summary>
internal sealed record AbsenceCondition(double MinBaseline, double BelowFraction, double ClearFraction, int For) : RuleCondition(For)
{
    public override string Kind => "absence";
}
