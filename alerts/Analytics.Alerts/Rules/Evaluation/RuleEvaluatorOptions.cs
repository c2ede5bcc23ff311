using Analytics.Common;

namespace Analytics.Alerts.Rules.Evaluation;

/// <summary>Memory bounds of the <see cref="RuleEvaluator"/>.</summary>
internal sealed record RuleEvaluatorOptions
{
    public const string Component = "Alerts:Rules";

    /// <summary>A slice with no traffic for this long is forgotten (a firing one resolves first). Event time.</summary>
    public TimeSpan IdleEviction { get; init; } = TimeSpan.FromHours(6);

    /// <summary>The most slices one rule remembers; beyond it, the longest-idle non-firing ones are forgotten.</summary>
    public int MaxSeriesPerRule { get; init; } = 50_000;

    /// <summary>Weight of the newest healthy window in an absence rule's baseline volume (an EWMA).</summary>
    public double AbsenceBaselineAlpha { get; init; } = 0.3;

    public void Validate()
    {
        OptionRules.Positive(Component, nameof(IdleEviction), IdleEviction.TotalMilliseconds);
        OptionRules.AtLeast(Component, nameof(MaxSeriesPerRule), MaxSeriesPerRule, 1);
        OptionRules.OpenUnitInterval(Component, nameof(AbsenceBaselineAlpha), AbsenceBaselineAlpha);
    }
}
