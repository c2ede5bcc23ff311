using Analytics.Alerts.Detectors.Calibration;
using Analytics.Common;

namespace Analytics.Alerts.Detectors.ChangePoint;

/// <summary>Options of the <see cref="CusumDetector"/>.</summary>
internal sealed record ChangePointOptions
{
    public const string Component = "Detectors:ChangePoint";

    /// <summary>Weight of the newest point in the baseline level and spread (about 1/BaselineAlpha points of memory).</summary>
    public double BaselineAlpha { get; init; } = 0.01;

    /// <summary>The level shift, in standard deviations, that the mean CUSUMs are tuned to detect.</summary>
    public double Shift { get; init; } = 1;

    /// <summary>The factor by which the variance CUSUMs expect the standard deviation to grow or shrink.</summary>
    public double SpreadFactor { get; init; } = 2;

    /// <summary>A CUSUM above this log-likelihood ratio declares a change and re-bases on the new regime.</summary>
    public double DecisionLevel { get; init; } = 12;

    /// <summary>Standardised residuals beyond this enter the CUSUMs clipped, so one spike is not a change.</summary>
    public double Clip { get; init; } = 4;

    /// <summary>Points before the baseline is trusted.</summary>
    public int WarmUp { get; init; } = 30;

    public CalibrationOptions Calibration { get; init; } = new();

    public void Validate()
    {
        OptionRules.OpenUnitInterval(Component, nameof(BaselineAlpha), BaselineAlpha);
        OptionRules.Positive(Component, nameof(Shift), Shift);
        if (!(SpreadFactor > 1))
        {
            throw new OptionsValidationException(Component, nameof(SpreadFactor), "must be above 1", SpreadFactor);
        }

        OptionRules.Positive(Component, nameof(DecisionLevel), DecisionLevel);
        OptionRules.Positive(Component, nameof(Clip), Clip);
        OptionRules.AtLeast(Component, nameof(WarmUp), WarmUp, 2);
        Calibration.Validate();
    }
}
