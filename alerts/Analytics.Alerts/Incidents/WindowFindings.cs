using Analytics.Alerts.Incidents.Localization;
using Analytics.Alerts.Rules;

namespace Analytics.Alerts.Incidents;

/// <summary>
/// The analysis of one window's firing alerts: the roots (each its own problem, in the order they were
/// chosen) and, for every other firing alert, the root that explains it.
/// </summary>
internal sealed record WindowFindings(
    IReadOnlyList<AlertSignal> Roots,
    IReadOnlyDictionary<string, string> SymptomOf,
    IReadOnlyDictionary<string, IReadOnlyList<Culprit>> Culprits)
{
    public static WindowFindings Empty { get; } = new([], new Dictionary<string, string>(), new Dictionary<string, IReadOnlyList<Culprit>>());
}
