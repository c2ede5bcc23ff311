namespace Analytics.Alerts.Detectors;

/// <summary>
/// Scores a rate given as counts, one window at a time: failures and attempts, rebuffering plays and
/// plays. Taking the counts, not the ratio, lets it judge a rate by the volume behind it.
/// </summary>
internal interface IRatioDetector : IDetector
{
    /// <summary>
    /// Scores the next window. Counts must be finite and not negative; anything else is a missing point
    /// (scores 0, leaves the state as it was, counted in <see cref="IDetector.MissingPoints"/>).
    /// </summary>
    double Score(long timestampMs, double numerator, double denominator);
}
