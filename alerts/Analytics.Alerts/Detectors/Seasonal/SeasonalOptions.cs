using Analytics.Alerts.Detectors.Calibration;
using Analytics.Common;

namespace Analytics.Alerts.Detectors.Seasonal;

/// <summary>Options of the <see cref="SeasonalBaselineDetector"/>.</summary>
internal sealed record SeasonalOptions
{
    public const string Component = "Detectors:Seasonal";

    /// <summary>Length of a time-of-day slot: a day has 1440 / SlotMinutes of them.</summary>
    public int SlotMinutes { get; init; } = 60;

    /// <summary>Length of a time-of-week slot: coarser than the daily one, to keep the state small.</summary>
    public int WeeklySlotMinutes { get; init; } = 120;

    /// <summary>Past days whose slot means the time-of-day profile takes the median of.</summary>
    public int DailyCycles { get; init; } = 7;

    /// <summary>Past weeks whose slot means the time-of-week profile takes the median of.</summary>
    public int WeeklyCycles { get; init; } = 3;

    /// <summary>Cycles a slot needs before its profile predicts.</summary>
    public int MinCycles { get; init; } = 2;

    /// <summary>Weight of the newest point in the residual spread and the profiles' error averages.</summary>
    public double SpreadAlpha { get; init; } = 0.01;

    /// <summary>Weight of the newest point in its time-of-day slot's own residual spread.</summary>
    public double SlotSpreadAlpha { get; init; } = 0.05;

    /// <summary>Residuals beyond this many spreads enter the spread clipped.</summary>
    public double Clip { get; init; } = 4;

    /// <summary>
    /// Weight of the newest calibrated surprise in the short average that is calibrated again as sustained
    /// evidence (about 2/EvidenceAlpha points): a run of moderately rare points is an incident, one such
    /// point is noise. 0 judges each point alone.
    /// </summary>
    public double EvidenceAlpha { get; init; } = 0.05;

    public CalibrationOptions Calibration { get; init; } = new();

    public void Validate()
    {
        OptionRules.InRange(Component, nameof(SlotMinutes), SlotMinutes, 1, 1440);
        if (1440 % SlotMinutes != 0)
        {
            throw new OptionsValidationException(Component, nameof(SlotMinutes), "must divide a day (1440 minutes)", SlotMinutes);
        }

        OptionRules.InRange(Component, nameof(WeeklySlotMinutes), WeeklySlotMinutes, 1, 1440);
        if (1440 % WeeklySlotMinutes != 0)
        {
            throw new OptionsValidationException(Component, nameof(WeeklySlotMinutes), "must divide a day (1440 minutes)", WeeklySlotMinutes);
        }

        OptionRules.InRange(Component, nameof(DailyCycles), DailyCycles, 1, 64);
        OptionRules.InRange(Component, nameof(WeeklyCycles), WeeklyCycles, 1, 64);
        OptionRules.InRange(Component, nameof(MinCycles), MinCycles, 1, Math.Min(DailyCycles, WeeklyCycles));
        OptionRules.OpenUnitInterval(Component, nameof(SpreadAlpha), SpreadAlpha);
        OptionRules.OpenUnitInterval(Component, nameof(SlotSpreadAlpha), SlotSpreadAlpha);
        OptionRules.Positive(Component, nameof(Clip), Clip);
        OptionRules.UnitInterval(Component, nameof(EvidenceAlpha), EvidenceAlpha);
        Calibration.Validate();
    }
}
