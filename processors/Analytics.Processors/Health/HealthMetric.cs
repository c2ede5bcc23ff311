namespace Analytics.Processors.Health;

/// <summary>Whether a figure is the value at a moment or an increase since the previous sample.</summary>
internal enum HealthMetricKind
{
    Gauge,
    Counter,
}

/// <summary>One figure the processor reports about itself in <c>pipeline_health</c>.</summary>
/// <param name="Name">The <c>metric</c> column.</param>
/// <param name="Kind">Gauges are read with the latest value; counters are summed over a time bucket.</param>
/// <param name="Unit">Its unit, as the dashboards label it.</param>
/// <param name="Labels">Which labels it fills: <c>partition</c> (else -1) or <c>reason</c> (else empty).</param>
/// <param name="Description">What it means, as docs/observability.md lists it.</param>
internal sealed record HealthMetric(string Name, HealthMetricKind Kind, string Unit, string Labels, string Description)
{
    public static readonly HealthMetric ConsumerLag = new("consumer_lag", HealthMetricKind.Gauge, "messages", "partition", "Messages between the partition's high watermark and the processor's position.");
    public static readonly HealthMetric Events = new("events", HealthMetricKind.Counter, "beacons", "partition", "Beacons read from Kafka, valid or not.");
    public static readonly HealthMetric DeadLetters = new("dead_letters", HealthMetricKind.Counter, "beacons", "reason", "Beacons sent to the dead-letter topic, by the reason code in their dlq.reason header.");
    public static readonly HealthMetric LateBeacons = new("late_beacons", HealthMetricKind.Counter, "beacons", "partition", "Beacons older than the watermark less the allowed lateness, kept in late_events.");
    public static readonly HealthMetric OrphanBeacons = new("orphan_beacons", HealthMetricKind.Counter, "beacons", "partition", "Valid beacons of sessions that had already ended, kept in orphan_events.");
    public static readonly HealthMetric DuplicateBeacons = new("duplicate_beacons", HealthMetricKind.Counter, "beacons", "partition", "Beacons whose event id the session had already seen, ignored.");
    public static readonly HealthMetric LostMessages = new("lost_messages", HealthMetricKind.Counter, "messages", "partition", "Offsets skipped between two messages read: messages deleted by retention (or the embedded broker's size limit) before the processor read them.");
    public static readonly HealthMetric OpenSessions = new("open_sessions", HealthMetricKind.Gauge, "sessions", "partition", "Sessions the partition holds open in memory.");
    public static readonly HealthMetric WatermarkDelay = new("watermark_delay_seconds", HealthMetricKind.Gauge, "s", "partition", "How far the partition's event-time watermark trails the wall clock.");
    public static readonly HealthMetric CheckpointAge = new("checkpoint_age_seconds", HealthMetricKind.Gauge, "s", "partition", "Time since the partition's state was last made durable (or since it was assigned): what a crash would replay.");
    public static readonly HealthMetric SinkInsertP50 = new("sink_insert_p50_ms", HealthMetricKind.Gauge, "ms", "", "Median duration of the sink's inserts since the previous sample, retries included.");
    public static readonly HealthMetric SinkInsertMax = new("sink_insert_max_ms", HealthMetricKind.Gauge, "ms", "", "Longest insert of the sink since the previous sample, retries included.");
    public static readonly HealthMetric SinkRows = new("sink_rows", HealthMetricKind.Counter, "rows", "", "Rows the sink inserted into ClickHouse.");

    /// <summary>Every metric, in the order docs/observability.md lists them.</summary>
    public static IReadOnlyList<HealthMetric> All { get; } =
    [
        ConsumerLag, Events, DeadLetters, LateBeacons, OrphanBeacons, DuplicateBeacons, LostMessages,
        OpenSessions, WatermarkDelay, CheckpointAge, SinkInsertP50, SinkInsertMax, SinkRows,
    ];
}

/// <summary>
/// One row of <c>pipeline_health</c>: a metric, its labels and its value. The partition is -1 for a
/// figure of the whole instance; the reason is empty unless the metric is by reason.
/// </summary>
internal readonly record struct HealthSample(string Metric, int Partition, string Reason, double Value)
{
    public const int Instance = -1;
}
