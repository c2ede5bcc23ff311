using Analytics.Common;

namespace Analytics.Alerts.Detectors.Calibration;

/// <summary>How a detector's surprises are calibrated against the series' own history of surprises.</summary>
internal sealed record CalibrationOptions
{
    public const string Component = "Detectors:Calibration";

    /// <summary>Histogram bins per doubling of 1 + surprise; 40 bins at 4 per octave reach 1023 decades.</summary>
    public int BinsPerOctave { get; init; } = 4;

    /// <summary>Weight of the newest surprise in the history (about 1/HistoryAlpha points of memory: long, so a record is rare).</summary>
    public double HistoryAlpha { get; init; } = 0.0001;

    /// <summary>Pseudo-count above the largest surprise seen: how much a first-ever surprise is worth.</summary>
    public double Prior { get; init; } = 1;

    /// <summary>
    /// Most decades added per doubling of a surprise beyond the largest the history holds; the history's own
    /// tail slope is used when it is lower.
    /// </summary>
    public double BeyondGain { get; init; } = 1;

    /// <summary>Points before calibrated surprises leave 0, while the history fills.</summary>
    public int WarmUp { get; init; } = 100;

    public void Validate()
    {
        OptionRules.InRange(Component, nameof(BinsPerOctave), BinsPerOctave, 1, 8);
        OptionRules.OpenUnitInterval(Component, nameof(HistoryAlpha), HistoryAlpha);
        OptionRules.Positive(Component, nameof(Prior), Prior);
        OptionRules.NotNegative(Component, nameof(BeyondGain), BeyondGain);
        OptionRules.AtLeast(Component, nameof(WarmUp), WarmUp, 1);
    }
}
