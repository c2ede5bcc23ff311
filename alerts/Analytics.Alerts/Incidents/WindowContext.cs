using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Incidents;

/// <summary>
/// What the incident layer may read about the window being processed: the slices of the same window
/// (to test whether a root explains another alert) and of a baseline window (to localise).
/// </summary>
/// <param name="Slices">The source the rules read; queried for the processed window.</param>
internal sealed record WindowContext(ISliceSource Slices)
{
    /// <summary>The window localisation compares against; null means the window before the root's breach began.</summary>
    public long? BaselineWindowStartMs { get; init; }
}
