using Analytics.Processors.Dimensions;
using Analytics.Processors.Sinks.RowBinary;

namespace Analytics.Processors.Sinks;

/// <summary>
/// The column layouts of the tables the processor writes, as in Sinks/Migrations/*.sql. Types are
/// the tables' own; inserted_at is left to its DEFAULT.
/// </summary>
internal static class QoeRowLayouts
{
    private const string Dim = "LowCardinality(String)";

    private static readonly (string, string)[] FactColumns =
    [
        ("source", Dim),
        ("source_partition", "UInt16"),
        ("attempts", "UInt32"),
        ("plays", "UInt32"),
        ("video_start_failures", "UInt32"),
        ("exits_before_video_start", "UInt32"),
        ("playback_failures", "UInt32"),
        ("start_time_sketch", "Map(Int16, UInt32)"),
        ("start_time_sum_ms", "UInt64"),
        ("playing_ms", "UInt64"),
        ("rebuffer_ms", "UInt64"),
        ("seek_rebuffer_ms", "UInt64"),
        ("rebuffers", "UInt32"),
        ("seek_rebuffers", "UInt32"),
        ("bitrate_kbps_ms", "UInt64"),
        ("bitrate_switches", "UInt32"),
        ("concurrent_plays", "UInt32"),
        ("bytes", "UInt64"),
        ("cache_hit_bytes", "UInt64"),
        ("errors", "UInt32"),
        ("fatal_errors", "UInt32"),
        ("errors_by_code", "Map(LowCardinality(String), UInt32)"),
        ("version", "UInt64"),
        ("is_deleted", "UInt8"),
    ];

    public static RowLayout Sessions { get; } = new(
    [
        ("session_id", "String"),
        ("source", Dim),
        ("source_partition", "UInt16"),
        ("start_time", "DateTime64(3, 'UTC')"),
        ("end_time", "DateTime64(3, 'UTC')"),
        ("end_reason", Dim),
        ("region", Dim),
        ("country", Dim),
        ("cdn", Dim),
        ("pop", Dim),
        ("isp", Dim),
        ("asn", "UInt32"),
        ("device_type", Dim),
        ("os", Dim),
        ("device_model", Dim),
        ("app_version", Dim),
        ("title_id", Dim),
        ("attempted", "UInt8"),
        ("played", "UInt8"),
        ("video_start_failure", "UInt8"),
        ("exit_before_video_start", "UInt8"),
        ("playback_failure", "UInt8"),
        ("start_time_ms", "Nullable(UInt32)"),
        ("playing_ms", "UInt32"),
        ("rebuffer_ms", "UInt32"),
        ("seek_rebuffer_ms", "UInt32"),
        ("paused_ms", "UInt32"),
        ("rebuffers", "UInt16"),
        ("seek_rebuffers", "UInt16"),
        ("bitrate_kbps_ms", "UInt64"),
        ("bitrate_switches", "UInt16"),
        ("bytes", "UInt64"),
        ("cache_hit_bytes", "UInt64"),
        ("errors", "UInt16"),
        ("fatal_error_code", Dim),
        ("beacons", "UInt32"),
        ("duplicates", "UInt32"),
        ("version", "UInt64"),
    ]);

    public static RowLayout LateEvents { get; } = new(
    [
        ("source", Dim),
        ("source_partition", "UInt16"),
        ("source_offset", "Int64"),
        ("event_id", "String"),
        ("session_id", "String"),
        ("event_type", Dim),
        ("event_time", "DateTime64(3, 'UTC')"),
        ("watermark", "DateTime64(3, 'UTC')"),
        ("lateness_ms", "Int64"),
        ("payload", "String"),
    ]);

    public static RowLayout OrphanEvents { get; } = new(
    [
        ("source", Dim),
        ("source_partition", "UInt16"),
        ("session_id", "String"),
        ("event_type", Dim),
        ("event_time", "DateTime64(3, 'UTC')"),
        ("event_id_hash", "UInt64"),
        ("session_end_time", "DateTime64(3, 'UTC')"),
    ]);

    /// <summary>A fact table of <paramref name="cube"/>: window start, the cube's dimensions, then the facts.</summary>
    public static RowLayout Window(Cube cube) => new(
        cube.Dimensions.Select(d => (d.ColumnName(), Dim))
            .Prepend(("window_start", "DateTime('UTC')"))
            .Concat(FactColumns)
            .ToArray());
}
