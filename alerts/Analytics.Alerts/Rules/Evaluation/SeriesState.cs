using Analytics.Alerts.Detectors;

namespace Analytics.Alerts.Rules.Evaluation;

/// <summary>How one window judged a slice.</summary>
internal enum Verdict
{
    /// <summary>Past the fire level.</summary>
    Breach,

    /// <summary>Between the fire and clear levels: a firing alert keeps firing, a pending one resets.</summary>
    Hold,

    /// <summary>On the healthy side of the clear level.</summary>
    Clear,

    /// <summary>Not judged (under min volume, no baseline): a firing alert keeps firing, a pending one resets.</summary>
    Skip,
}

/// <summary>
/// What a rule remembers about one slice between windows: the breach streak for <c>for</c>, whether it
/// fires, since when, and the slice's baseline (absence) or detector (anomaly).
/// </summary>
internal sealed class SeriesState
{
    public int Streak { get; set; }

    public bool Firing { get; set; }

    public long SinceMs { get; set; }

    /// <summary>The last window the slice had traffic in, for idle eviction.</summary>
    public long LastSeenMs { get; set; }

    /// <summary>Absence rules: the EWMA of the volume of healthy windows, and how many there were.</summary>
    public double BaselineVolume { get; set; }

    public long BaselineWindows { get; set; }

    public IDetector? Detector { get; set; }

    /// <summary>
    /// Applies a verdict: the state machine of <c>for</c> and hysteresis. Returns the signal state to
    /// emit, or null when the slice is quiet.
    /// </summary>
    public AlertState? Advance(Verdict verdict, long windowStartMs, int forWindows)
    {
        switch (verdict)
        {
            case Verdict.Breach:
                if (Streak == 0 && !Firing)
                {
                    SinceMs = windowStartMs;
                }

                Streak++;
                Firing |= Streak >= forWindows;
                return Firing ? AlertState.Firing : AlertState.Pending;
            case Verdict.Clear when Firing:
                Firing = false;
                Streak = 0;
                return AlertState.Resolved;
            default:
                if (Firing)
                {
                    return AlertState.Firing;
                }

                Streak = 0;
                return null;
        }
    }
}
