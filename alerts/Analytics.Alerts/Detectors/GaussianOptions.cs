using Analytics.Common;

namespace Analytics.Alerts.Detectors;

/// <summary>Options of the <see cref="GaussianDetector"/>, the textbook baseline the others are measured against.</summary>
internal sealed record GaussianOptions
{
    public const string Component = "Detectors:Gaussian";

    /// <summary>Weight of the newest point in the running mean and variance (about 1/Alpha points of memory).</summary>
    public double Alpha { get; init; } = 0.005;

    /// <summary>Points seen before the first non-zero score.</summary>
    public int WarmUp { get; init; } = 100;

    public void Validate()
    {
        OptionRules.OpenUnitInterval(Component, nameof(Alpha), Alpha);
        OptionRules.AtLeast(Component, nameof(WarmUp), WarmUp, 2);
    }
}
