namespace Analytics.Alerts.Scoring;

/// <summary>
/// NAB's raw score of some files at one threshold, with the counts behind it: a true positive is a
/// window with at least one detection, a false negative a window with none, a false positive a detection
/// outside every window, a true negative a row outside every window without one. Probationary rows count
/// for nothing.
/// </summary>
internal readonly record struct NabOutcome(double Threshold, double Score, int TruePositives, int FalsePositives, int FalseNegatives, int TrueNegatives);
