namespace Analytics.Alerts.Scoring;

/// <summary>
/// A detector's NAB result on a set of files under one profile, at one threshold: the raw score, the null
/// detector's (never fires) and the perfect detector's, and the normalised score, 0 for the null detector
/// and 100 for the perfect one.
/// </summary>
internal sealed record NabResult(
    string Detector,
    NabProfile Profile,
    double Threshold,
    double Raw,
    double Null,
    double Perfect,
    NabOutcome Total,
    IReadOnlyList<(string Key, NabOutcome Outcome)> Files)
{
    public double Normalized => Perfect == Null ? 0 : 100 * (Raw - Null) / (Perfect - Null);
}
