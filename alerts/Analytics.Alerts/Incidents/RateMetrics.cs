namespace Analytics.Alerts.Incidents;

/// <summary>A derived metric as additive view columns: numerator over the sum of the denominator columns.</summary>
internal sealed record RateMetric(string Name, string Numerator, IReadOnlyList<string> Denominator)
{
    public double NumeratorOf(IReadOnlyDictionary<string, double> values) => values.GetValueOrDefault(Numerator);

    public double DenominatorOf(IReadOnlyDictionary<string, double> values) => Denominator.Sum(values.GetValueOrDefault);
}

/// <summary>The rate metrics of the analyst views (0002_qoe_semantics), as the incident layer subtracts and attributes them.</summary>
internal static class RateMetrics
{
    private static readonly Dictionary<string, RateMetric> Known = new RateMetric[]
    {
        new("vsf_rate", "video_start_failures", ["attempts"]),
        new("ebvs_rate", "exits_before_video_start", ["attempts"]),
        new("vpf_rate", "playback_failures", ["plays"]),
        new("rebuffering_ratio", "rebuffer_ms", ["playing_ms", "rebuffer_ms"]),
        new("cache_hit_ratio", "cache_hit_bytes", ["bytes"]),
    }.ToDictionary(m => m.Name, StringComparer.Ordinal);

    public static RateMetric? Find(string metric) => Known.GetValueOrDefault(metric);
}
