namespace Analytics.Alerts.Detectors;

/// <summary>What every detector has, whatever it reads: a name, its options and a state that can be saved.</summary>
internal interface IDetector
{
    /// <summary>The name <c>analytics detect --detector</c> takes.</summary>
    string Name { get; }

    /// <summary>The options record it was built with; saved state records its fingerprint.</summary>
    object Options { get; }

    /// <summary>Points that could not be scored (not finite, or otherwise unusable), so were skipped and counted.</summary>
    long MissingPoints { get; }

    /// <summary>Writes the whole state (not the options) so that <see cref="ReadState"/> resumes exactly.</summary>
    void WriteState(BinaryWriter writer);

    /// <summary>Replaces the state with one written by <see cref="WriteState"/> of a detector with the same options.</summary>
    void ReadState(BinaryReader reader);
}
