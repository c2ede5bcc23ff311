using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Incidents.Localization;

/// <summary>A dimension value that explains part of an anomaly: its slice and its share of the total change (percent).</summary>
/// <param name="Slice">The anomalous slice plus the culprit's dimension value.</param>
/// <param name="SharePercent">Its share of the total change (explanatory power), in percent.</param>
/// <param name="Expected">The additive quantity (e.g. failures) the baseline predicts for the slice's current traffic.</param>
/// <param name="Actual">The quantity observed.</param>
internal sealed record Culprit(Slice Slice, double SharePercent, double Expected, double Actual);

/// <summary>Localisation's answer: the dimension chosen, its surprise, and its culprits (largest share first).</summary>
internal sealed record LocalizationResult(string Dimension, double Surprise, IReadOnlyList<Culprit> Culprits)
{
    public static LocalizationResult None { get; } = new("", 0, []);
}
