namespace Analytics.Benchmarks.EndToEnd;

/// <summary>A query run by chDB straight over the JSON lines file.</summary>
internal sealed record ChDbQuery(string Name, string Description, string Sql);

/// <summary>
/// What a user gets with ClickHouse alone: the Foundation metric set (1 min windows, the delivery cube's
/// dimensions) computed by one GROUP BY straight from the JSON lines. docs/benchmarks.md shows and discusses them.
/// </summary>
internal static class ChDbQueries
{
    /// <summary>Only the fields the queries read; JSONEachRow skips the others (as a tuned user would declare it).</summary>
    public const string Structure =
        "session_id String, type LowCardinality(String), ts Int64, "
        + "device Tuple(type LowCardinality(String)), "
        + "geo Tuple(region LowCardinality(String), country LowCardinality(String), isp LowCardinality(String)), "
        + "cdn LowCardinality(String), pop LowCardinality(String), "
        + "bitrate_kbps UInt32, bytes UInt64, cache_hit Bool, fatal Bool";

    /// <summary>The minute, the delivery cube's dimensions, and what a GROUP BY over beacons counts without pairing a session's beacons.</summary>
    private const string BeaconAggregates = """
        toStartOfMinute(fromUnixTimestamp64Milli(ts)) AS minute,
        geo.region AS region, geo.country AS country, cdn, pop, geo.isp AS isp, device.type AS device_type,
        countIf(type = 'play_request') AS attempts,
        countIf(type = 'first_frame') AS plays,
        countIf(type = 'error') AS errors,
        countIf(type = 'error' AND fatal) AS fatal_errors,
        countIf(type = 'rebuffer_start') AS rebuffers,
        countIf(type = 'bitrate_change') AS bitrate_switches,
        sumIf(bytes, type = 'heartbeat') AS delivered_bytes,
        sumIf(bytes, type = 'heartbeat' AND cache_hit) AS cache_hit_bytes,
        avgIf(bitrate_kbps, type = 'heartbeat') AS avg_bitrate_kbps,
        uniq(session_id) AS sessions
        """;

    private const string GroupBy = "GROUP BY minute, region, country, cdn, pop, isp, device_type";

    /// <summary>Per-event aggregation, with heartbeat bitrate percentiles standing in for start-time percentiles at the same cost class.</summary>
    public static string Flat(string path) => $"""
        SELECT
        {BeaconAggregates},
            quantilesIf(0.5, 0.9, 0.95, 0.99)(bitrate_kbps, type = 'heartbeat') AS bitrate_kbps_quantiles
        FROM file('{path}', JSONEachRow, '{Structure}')
        {GroupBy}
        """;

    /// <summary>
    /// The same counts plus true video start time percentiles, which need each first_frame paired with its
    /// session's play_request: a window function over the session, i.e. a sort of all events by session.
    /// </summary>
    public static string WithStartTime(string path) => $"""
        SELECT
        {BeaconAggregates},
            quantilesIf(0.5, 0.9, 0.95, 0.99)(ts - play_request_ts, type = 'first_frame' AND play_request_ts > 0) AS start_time_ms_quantiles
        FROM
        (
            SELECT *, minIf(ts, type = 'play_request') OVER (PARTITION BY session_id) AS play_request_ts
            FROM file('{path}', JSONEachRow, '{Structure}')
        )
        {GroupBy}
        """;

    /// <summary>Untimed: the totals the pipeline must agree with (and it reads the file into the page cache).</summary>
    public static string Totals(string path) => $"""
        SELECT count() AS events, countIf(type = 'play_request') AS attempts, countIf(type = 'first_frame') AS plays,
            countIf(type = 'error') AS errors,
            uniqExact(toStartOfMinute(fromUnixTimestamp64Milli(ts)), geo.region, geo.country, cdn, pop, geo.isp, device.type) AS groups
        FROM file('{path}', JSONEachRow, '{Structure}')
        """;

    /// <summary>Per-core: one query thread and one parsing thread.</summary>
    public const string SingleThread = "max_threads = 1, max_parsing_threads = 1";

    public static IReadOnlyList<string> Names { get; } = Measured("-").Select(q => q.Query.Name).ToArray();

    public static IReadOnlyList<(ChDbQuery Query, string? Settings)> Measured(string path) =>
    [
        (new ChDbQuery("chdb-flat-1t", "flat GROUP BY, max_threads=1", Flat(path)), SingleThread),
        (new ChDbQuery("chdb-flat", "flat GROUP BY, default threads", Flat(path)), null),
        (new ChDbQuery("chdb-vst-1t", "GROUP BY + start time via window function, max_threads=1", WithStartTime(path)), SingleThread),
        (new ChDbQuery("chdb-vst", "GROUP BY + start time via window function, default threads", WithStartTime(path)), null),
    ];
}
