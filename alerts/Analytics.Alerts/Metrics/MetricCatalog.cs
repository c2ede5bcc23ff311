namespace Analytics.Alerts.Metrics;

/// <summary>
/// Every metric a rule can name, by analyst-view column, and the additive columns they come from.
/// The definitions are docs/metrics.md's; the fixture source derives the ratios from these parts
/// exactly as the <c>qoe_*_v</c> views do.
/// </summary>
internal static class MetricCatalog
{
    private const double MsPerHour = 3_600_000;

    /// <summary>The additive columns of the fact tables, summed when slices are merged.</summary>
    public static IReadOnlyList<string> SumColumns { get; } =
    [
        "attempts", "plays", "video_start_failures", "exits_before_video_start", "playback_failures",
        "start_time_sum_ms", "playing_ms", "rebuffer_ms", "seek_rebuffer_ms", "rebuffers",
        "bitrate_kbps_ms", "bitrate_switches", "concurrent_plays", "bytes", "cache_hit_bytes",
        "errors", "fatal_errors",
    ];

    public static IReadOnlyList<MetricDefinition> All { get; } =
    [
        Proportion("play_rate", "plays / attempts: share of attempts that started", "plays", "attempts", higherIsWorse: false),
        Proportion("vsf_rate", "video start failures / attempts: fatal errors before the first frame", "video_start_failures", "attempts", higherIsWorse: true),
        Proportion("ebvs_rate", "exits before video start / attempts: viewers giving up during startup", "exits_before_video_start", "attempts", higherIsWorse: true),
        Proportion("vpf_rate", "playback failures / plays: fatal errors after the first frame", "playback_failures", "plays", higherIsWorse: true),
        Quantile("start_time_p50_ms", "median video start time"),
        Quantile("start_time_p90_ms", "90th percentile of video start time"),
        Quantile("start_time_p95_ms", "95th percentile of video start time"),
        Quantile("start_time_p99_ms", "99th percentile of video start time"),
        Ratio("start_time_mean_ms", MetricUnit.Milliseconds, "mean video start time", "plays", true, new([new("start_time_sum_ms")], [new("plays")])),
        Ratio("rebuffering_ratio", MetricUnit.Ratio, "rebuffering time / (playing + rebuffering time)", "playing_minutes", true,
            new([new("rebuffer_ms")], [new("playing_ms"), new("rebuffer_ms")]) { IsProportion = true }),
        Ratio("connection_induced_rebuffering_ratio", MetricUnit.Ratio, "rebuffering ratio without seek-induced rebuffering", "playing_minutes", true,
            new([new("rebuffer_ms"), new("seek_rebuffer_ms", -1)], [new("playing_ms"), new("rebuffer_ms"), new("seek_rebuffer_ms", -1)]) { IsProportion = true }),
        Ratio("rebuffers_per_hour", MetricUnit.PerHour, "rebuffer episodes per hour of playing time", "playing_minutes", true,
            new([new("rebuffers")], [new("playing_ms")], MsPerHour)),
        Ratio("average_bitrate_kbps", MetricUnit.Kbps, "time-weighted average bitrate", "playing_minutes", false,
            new([new("bitrate_kbps_ms")], [new("playing_ms")])),
        Ratio("bitrate_switches_per_hour", MetricUnit.PerHour, "bitrate changes per hour of playing time", "playing_minutes", true,
            new([new("bitrate_switches")], [new("playing_ms")], MsPerHour)),
        Ratio("cache_hit_ratio", MetricUnit.Ratio, "bytes served from the edge cache / bytes delivered", "bytes", false,
            new([new("cache_hit_bytes")], [new("bytes")]) { IsProportion = true }),
        Count("attempts", MetricUnit.Count, "playback attempts (play requests)"),
        Count("plays", MetricUnit.Count, "attempts that reached the first frame"),
        Count("concurrent_plays", MetricUnit.Count, "sessions in play during the window"),
        new("playing_minutes", MetricKind.Ratio, MetricUnit.Minutes, "minutes of playing time", "playing_minutes", false)
        {
            // A ratio with a constant denominator: playing_ms / 60 000, never absent.
            Ratio = new([new("playing_ms")], [], 1.0 / 60_000),
        },
        Count("bytes", MetricUnit.Bytes, "bytes delivered (heartbeats)"),
        Count("errors", MetricUnit.Count, "error beacons, fatal or not", higherIsWorse: true),
        Count("fatal_errors", MetricUnit.Count, "fatal error beacons", higherIsWorse: true),
    ];

    private static readonly Dictionary<string, MetricDefinition> ByName = All.ToDictionary(m => m.Name, StringComparer.Ordinal);

    public static IReadOnlyList<string> Names { get; } = [.. All.Select(m => m.Name)];

    public static MetricDefinition? Find(string name) => ByName.GetValueOrDefault(name);

    /// <summary>The dimensions of each cube, by cube name.</summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> Dimensions { get; } = Cubes.All.ToDictionary(c => c.Name, c => c.Dimensions);

    /// <summary>The cube a rule grouping by <paramref name="by"/> reads (see <see cref="Cubes.CubeFor"/>).</summary>
    public static Cube? CubeFor(IEnumerable<string> by, long? windowMs = null) => Cubes.CubeFor(by, windowMs);

    /// <summary>The known metric nearest to a misspelt one, for "did you mean" hints.</summary>
    public static string Nearest(string name) => Suggest.Nearest(name, Names);

    private static MetricDefinition Proportion(string name, string description, string numerator, string denominator, bool higherIsWorse)
        => new(name, MetricKind.Ratio, MetricUnit.Ratio, description, denominator, higherIsWorse)
        {
            Ratio = new([new(numerator)], [new(denominator)]) { IsProportion = true },
        };

    private static MetricDefinition Ratio(string name, MetricUnit unit, string description, string volume, bool higherIsWorse, RatioParts parts)
        => new(name, MetricKind.Ratio, unit, description, volume, higherIsWorse) { Ratio = parts };

    private static MetricDefinition Quantile(string name, string description)
        => new(name, MetricKind.Quantile, MetricUnit.Milliseconds, description + " (from the merged sketch)", "plays", HigherIsWorse: true);

    private static MetricDefinition Count(string name, MetricUnit unit, string description, bool higherIsWorse = false)
        => new(name, MetricKind.Count, unit, description, name, higherIsWorse);
}
