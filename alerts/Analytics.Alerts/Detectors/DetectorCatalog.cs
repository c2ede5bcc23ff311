namespace Analytics.Alerts.Detectors;

/// <summary>The detectors a user can name, with the one production uses by default.</summary>
internal static class DetectorCatalog
{
    /// <summary>The detector <c>analytics detect</c> runs when none is named.</summary>
    public const string Default = "ensemble";

    private static readonly (string Name, string Description, Func<IDetector> Create)[] Entries =
    [
        ("ensemble", "seasonal + spectral + change point, calibrated per series, reported at onset", () => new Ensemble.EnsembleDetector()),
        ("seasonal", "robust week-over-week and day-over-day baseline (median of past slots)", () => new Seasonal.SeasonalBaselineDetector()),
        ("spectral", "spectral residual (SR stage of SR-CNN) over a sliding window", () => new Spectral.SpectralResidualDetector()),
        ("changepoint", "CUSUM of level and spread shifts against a robust baseline", () => new ChangePoint.CusumDetector()),
        ("gaussian", "z-score against an exponentially weighted mean and variance (the baseline)", () => new GaussianDetector()),
        ("rate", "volume-aware rate: counts (numerator, denominator) against a beta-binomial baseline", () => new Rates.RateDetector()),
    ];

    public static IReadOnlyList<string> Names { get; } = [.. Entries.Select(e => e.Name)];

    /// <summary>One line per detector, for help texts.</summary>
    public static IReadOnlyList<(string Name, string Description)> Descriptions { get; } = [.. Entries.Select(e => (e.Name, e.Description))];

    /// <summary>
    /// A fresh detector with default options: an <see cref="IAnomalyDetector"/> for value series or an
    /// <see cref="IRatioDetector"/> for counts. Throws <see cref="UnknownDetectorException"/> for a name it lacks.
    /// </summary>
    public static IDetector Create(string name)
    {
        foreach (var entry in Entries)
        {
            if (string.Equals(entry.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return entry.Create();
            }
        }

        throw new UnknownDetectorException(name, Names);
    }
}
