namespace Analytics.Alerts.Detectors;

/// <summary>
/// Scores one series one point at a time, using only that point and the ones before it. Scores are in
/// [0, 1]: 0 is ordinary, 1 is as anomalous as the detector can say. Per-point cost and state are
/// bounded by the detector's options, never by the length of the series.
/// </summary>
internal interface IAnomalyDetector : IDetector
{
    /// <summary>
    /// Scores the next point. Timestamps are Unix milliseconds; a point earlier than the one before is
    /// scored in arrival order (only the seasonal baseline reads time, to place it in its slot). A value that is
    /// not finite is a missing point: it scores 0, leaves the state as it was and is counted in
    /// <see cref="IDetector.MissingPoints"/>.
    /// </summary>
    double Score(long timestampMs, double value);
}
