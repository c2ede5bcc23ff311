using Analytics.Alerts.Rules;

namespace Analytics.Cli.Backtest;

/// <summary>What one injected incident came to.</summary>
/// <param name="Injected">The spec injected.</param>
/// <param name="Slice">The slice it was injected on, e.g. pop=iad-2.</param>
/// <param name="Detected">Whether an incident named the slice while the effect lasted.</param>
/// <param name="WindowsToDetect">Windows from the effective onset's window to the window that opened the incident.</param>
/// <param name="Severity">The detecting incident's severity.</param>
/// <param name="NamedExactly">Whether the incident's root slice is the injected slice (with its parents at most).</param>
/// <param name="Title">The incident's title.</param>
internal sealed record InjectedOutcome(string Injected, string Slice, bool Detected, int? WindowsToDetect, Severity? Severity, bool NamedExactly, string? Title);

/// <summary>A scenario's result: its injected outcomes, every incident opened, and the cost.</summary>
internal sealed record BacktestResult(
    string Scenario,
    long Beacons,
    long WindowsJudged,
    IReadOnlyList<InjectedOutcome> Outcomes,
    IReadOnlyList<(string Id, Severity Severity, string Slice, string Title)> Opened,
    TimeSpan PipelineTime,
    TimeSpan AlertingTime)
{
    /// <summary>Incidents not explained by an injected one: false pages on a normal day.</summary>
    public IReadOnlyDictionary<Severity, int> FalseBySeverity { get; init; } = new Dictionary<Severity, int>();
}
