namespace Analytics.Alerts.Detectors;

/// <summary>Why saved detector state could not be restored.</summary>
internal enum DetectorStateProblem
{
    /// <summary>The bytes are not detector state at all, or of a format version this build does not read.</summary>
    NotDetectorState,

    /// <summary>The state belongs to another kind of detector.</summary>
    OtherDetector,

    /// <summary>The detector's options changed since the state was saved, so the state does not fit.</summary>
    OptionsChanged,

    /// <summary>The state ends early or has bytes left over.</summary>
    Corrupt,
}

/// <summary>Saved detector state could not be restored; the caller starts the detector afresh or fixes its options.</summary>
internal sealed class DetectorStateException : AlertsException
{
    public DetectorStateException(DetectorStateProblem problem, string detector, string detail, Exception? inner = null)
        : base($"Cannot restore the state of detector \"{detector}\": {detail}", inner)
    {
        Problem = problem;
        Detector = detector;
    }

    public DetectorStateProblem Problem { get; }

    public string Detector { get; }

    public override bool IsTransient => false;
}
