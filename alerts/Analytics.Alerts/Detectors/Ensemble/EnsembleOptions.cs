using Analytics.Alerts.Detectors.ChangePoint;
using Analytics.Alerts.Detectors.Seasonal;
using Analytics.Alerts.Detectors.Spectral;
using Analytics.Common;

namespace Analytics.Alerts.Detectors.Ensemble;

/// <summary>Options of the <see cref="EnsembleDetector"/> and of the detectors inside it.</summary>
internal sealed record EnsembleOptions
{
    public const string Component = "Detectors:Ensemble";

    public SeasonalOptions Seasonal { get; init; } = new();

    public SpectralOptions Spectral { get; init; } = new();

    public ChangePointOptions ChangePoint { get; init; } = new();

    /// <summary>
    /// After a score is reported, scores not clearly higher (see <see cref="RenotifyMargin"/>) are held back
    /// for this many points, so one incident is reported once and again only if it gets worse.
    /// </summary>
    public int RefractoryPoints { get; init; } = 200;

    /// <summary>
    /// Decades of surprise by which a level must exceed the hold to be reported again while it is held
    /// (0.5: about three times rarer), so a slowly worsening incident is not reported at every new high.
    /// </summary>
    public double RenotifyMargin { get; init; } = 0.5;

    /// <summary>
    /// Decades the spectral residual and the change point must exceed the seasonal baseline's surprise by
    /// before they set the score.
    /// </summary>
    public double SecondaryDiscount { get; init; } = 2;

    public void Validate()
    {
        Seasonal.Validate();
        Spectral.Validate();
        ChangePoint.Validate();
        OptionRules.AtLeast(Component, nameof(RefractoryPoints), RefractoryPoints, 0);
        OptionRules.NotNegative(Component, nameof(SecondaryDiscount), SecondaryDiscount);
        OptionRules.NotNegative(Component, nameof(RenotifyMargin), RenotifyMargin);
    }
}
