using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Rules;

/// <summary>Where a rule's slice stands after a window has been judged.</summary>
internal enum AlertState
{
    /// <summary>Breaching, but not yet for the rule's <c>for</c>.</summary>
    Pending,

    /// <summary>Breaching for at least <c>for</c>: the incident layer acts on it.</summary>
    Firing,

    /// <summary>Was firing and is now past the clear level (hysteresis): the problem went away in this window.</summary>
    Resolved,
}

/// <summary>
/// The verdict of one rule on one slice in one window. Rules emit a signal for every slice that is
/// pending or firing, and one <see cref="AlertState.Resolved"/> signal when a firing slice clears.
/// The key (<see cref="Rule"/> + <see cref="Slice"/>) is stable across windows and restarts.
/// </summary>
internal sealed record AlertSignal(
    string Rule,
    Severity Severity,
    string Metric,
    Slice Slice,
    long WindowStartMs,
    long WindowMs,
    AlertState State,
    double? Value,
    double? Baseline,
    double? Threshold,
    double Volume,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, string> Annotations)
{
    public string Key => $"{Rule}/{Slice}";

    /// <summary>Event time of the first window of the current breach (the incident's "since").</summary>
    public long SinceMs { get; init; } = WindowStartMs;
}
