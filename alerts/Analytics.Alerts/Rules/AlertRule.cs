using Analytics.Alerts.Actions;
using Analytics.Alerts.Metrics;
using Analytics.Alerts.Rules.Templates;
using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Rules;

/// <summary>
/// One rule of a rule file: watch <see cref="Metric"/> of every slice of <see cref="By"/> (inside
/// <see cref="Where"/>) in each window of <see cref="WindowMs"/>, and judge it with <see cref="Condition"/>.
/// <see cref="By"/> is sorted (empty: the whole service); slices whose volume column
/// (<see cref="MetricDefinition.VolumeColumn"/>) is below <see cref="MinVolume"/> are not judged.
/// </summary>
internal sealed record AlertRule(
    string Name,
    string Group,
    long WindowMs,
    MetricDefinition Metric,
    IReadOnlyList<string> By,
    Slice Where,
    RuleCondition Condition,
    double MinVolume,
    Severity Severity,
    IReadOnlyDictionary<string, string> Labels,
    IReadOnlyDictionary<string, AnnotationTemplate> Annotations,
    SourcePosition Position)
{
    /// <summary>
    /// The automated actions an incident of this rule takes when it opens (and undoes when it resolves),
    /// each behind the guardrails of the on-call file's <c>actions:</c> section. They do not change judging.
    /// </summary>
    public IReadOnlyList<RuleAction> Actions { get; init; } = [];

    /// <summary>The cube whose tables answer this rule.</summary>
    public Cube Cube => Cubes.CubeFor(By.Concat(Where.Names), WindowMs) ?? throw new InvalidOperationException($"Rule {Name} fits no cube.");

    /// <summary>Where-dimensions not in <see cref="By"/>: those the source must filter on (the others are filtered on the rows).</summary>
    public Slice SourceFilter => new(Where.Dimensions.Where(d => !By.Contains(d.Key, StringComparer.Ordinal)));

    /// <summary>A text that changes when anything judging depends on changes, so saved state is not resumed under another rule.</summary>
    public string Fingerprint => $"{WindowMs}|{Metric.Name}|{string.Join(',', By)}|{Where}|{Condition}|{MinVolume}";
}
