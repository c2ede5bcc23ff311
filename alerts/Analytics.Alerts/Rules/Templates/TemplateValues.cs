using System.Globalization;
using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Rules.Templates;

/// <summary>What an annotation can show about one alert: the slice's dimensions and the verdict's figures.</summary>
internal sealed record TemplateValues(string Rule, Severity Severity, string Metric, Slice Slice, double? Value, double? Baseline, double? Threshold, double Volume, long SinceMs)
{
    /// <summary>The placeholders every rule has; a rule also has its <c>by</c> and <c>where</c> dimensions.</summary>
    public static IReadOnlyList<string> Fixed { get; } = ["value", "baseline", "threshold", "since", "volume", "rule", "severity", "metric"];

    public object? Get(string name) => name switch
    {
        "value" => Value,
        "baseline" => Baseline,
        "threshold" => Threshold,
        "since" => DateTimeOffset.FromUnixTimeMilliseconds(SinceMs).UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture),
        "volume" => Volume,
        "rule" => Rule,
        "severity" => Severity.ToString(),
        "metric" => Metric,
        _ => Slice[name],
    };
}
