namespace Analytics.Noc.Snapshots;

/// <summary>A tile's metric and where its colour changes: the thresholds of dashboards/noc-overview.json.</summary>
internal sealed record TileDefinition(string Metric, string Label, string Unit, double? Warn, double? Critical)
{
    /// <summary>"ok" (green), "warn" (amber), "crit" (red), or "none" for volumes and missing values.</summary>
    public string StatusOf(double? value) => value switch
    {
        null => "none",
        _ when Critical is { } c && value >= c => "crit",
        _ when Warn is { } w && value >= w => "warn",
        _ when Warn is null => "none",
        _ => "ok",
    };
}

/// <summary>The wall's tiles, in order. Units: "ratio" (shown as %), "ms", "count".</summary>
internal static class TileCatalog
{
    public static IReadOnlyList<TileDefinition> All { get; } =
    [
        new("plays", "Plays started (10 s)", "count", null, null),
        new("concurrent_plays", "Concurrent plays", "count", null, null),
        new("vsf_rate", "VSF rate", "ratio", 0.01, 0.02),
        new("ebvs_rate", "EBVS rate", "ratio", 0.05, 0.10),
        new("start_time_p95_ms", "Video start time p95", "ms", 2000, 4000),
        new("rebuffering_ratio", "Rebuffering ratio", "ratio", 0.005, 0.01),
        new("vpf_rate", "Playback failures (VPF)", "ratio", 0.005, 0.01),
    ];
}
