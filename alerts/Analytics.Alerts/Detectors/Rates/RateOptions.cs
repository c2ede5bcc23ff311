using Analytics.Common;

namespace Analytics.Alerts.Detectors.Rates;

/// <summary>Which way a rate must move to be an anomaly.</summary>
internal enum RateDirection
{
    /// <summary>Failures, exits before start, rebuffering: only a higher rate is bad.</summary>
    Up,

    /// <summary>Play rate, cache hit ratio: only a lower rate is bad.</summary>
    Down,

    /// <summary>Either way.</summary>
    Both,
}

/// <summary>Options of the <see cref="RateDetector"/>.</summary>
internal sealed record RateOptions
{
    public const string Component = "Detectors:Rate";

    public RateDirection Direction { get; init; } = RateDirection.Up;

    /// <summary>Weight of the newest window in the baseline counts (about 1/BaselineAlpha windows of memory).</summary>
    public double BaselineAlpha { get; init; } = 0.01;

    /// <summary>Windows with a smaller denominator are not judged: too few attempts to say anything.</summary>
    public double MinDenominator { get; init; } = 1;

    /// <summary>Baseline volume (the sum of denominators it remembers) needed before windows are judged.</summary>
    public double WarmUpDenominator { get; init; } = 200;

    /// <summary>Windows whose tail probability is below this enter the baseline clipped to it, so an outage does not become normal.</summary>
    public double BaselineGuard { get; init; } = 1e-3;

    public void Validate()
    {
        OptionRules.OpenUnitInterval(Component, nameof(BaselineAlpha), BaselineAlpha);
        OptionRules.NotNegative(Component, nameof(MinDenominator), MinDenominator);
        OptionRules.Positive(Component, nameof(WarmUpDenominator), WarmUpDenominator);
        OptionRules.OpenUnitInterval(Component, nameof(BaselineGuard), BaselineGuard);
        if (!Enum.IsDefined(Direction))
        {
            throw new OptionsValidationException(Component, nameof(Direction), "must be Up, Down or Both", Direction);
        }
    }
}
