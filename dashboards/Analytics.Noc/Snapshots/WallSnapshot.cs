namespace Analytics.Noc.Snapshots;

/// <summary>
/// Everything the wall shows at one moment, read from the store in one go and sent to the page as JSON.
/// <see cref="SeriesSeconds"/>: how much history the charts span, ending with the tiles' window.
/// </summary>
internal sealed record WallSnapshot(
    DateTimeOffset GeneratedAt,
    int SeriesSeconds,
    TileWindow? Window,
    IReadOnlyList<Tile> Tiles,
    QoeSeries Series,
    IncidentSummary Incidents,
    PipelineHealth Pipeline);

/// <summary>
/// The 10 s window the tiles show. <see cref="Basis"/> says how it was chosen: "closed" (the newest window every
/// partition of the consumer group has closed), "stored" (no progress recorded: the newest window stored) or
/// "requested" (the <c>window</c> query parameter). <see cref="Final"/>: no late beacon can change it any more.
/// </summary>
internal sealed record TileWindow(long Start, int Seconds, string Basis, bool Final);

/// <summary>One tile: a metric of docs/metrics.md for <see cref="TileWindow"/>, with the Grafana NOC dashboard's colour.</summary>
internal sealed record Tile(string Metric, string Label, string Unit, double? Value, string Status, long WindowStart);

/// <summary>The charts' data, one point per 10 s window, oldest first; a missing value is null.</summary>
internal sealed record QoeSeries(IReadOnlyList<long> Time, IReadOnlyDictionary<string, IReadOnlyList<double?>> Values)
{
    public static QoeSeries Empty { get; } = new([], new Dictionary<string, IReadOnlyList<double?>>());
}

internal sealed record IncidentSummary(IReadOnlyDictionary<string, int> OpenBySeverity, IReadOnlyList<OpenIncident> Open);

/// <summary>
/// An incident not yet resolved. <see cref="Slice"/> is the root-cause slice alerting chose (symptoms in narrower or
/// wider slices are folded into it); <see cref="Culprit"/> is where localisation narrowed it down to, when it did.
/// </summary>
internal sealed record OpenIncident(
    string Id, string Severity, string Status, string Title, string Slice, string? Culprit, DateTimeOffset TriggeredAt, long AgeSeconds);

/// <summary>
/// The processor's own figures from <c>pipeline_health</c> (the newest row's minute), and window progress from
/// <c>pipeline_progress</c>. <see cref="HasData"/> is false until the processor writes its first health row.
/// </summary>
internal sealed record PipelineHealth(
    bool HasData,
    string? ConsumerGroup,
    DateTimeOffset? At,
    IReadOnlyDictionary<string, double> Figures,
    PipelineSeries Series,
    PipelineProgress? Progress);

/// <summary>Events/s and consumer lag per 10 s bucket, oldest first.</summary>
internal sealed record PipelineSeries(IReadOnlyList<long> Time, IReadOnlyList<double?> EventsPerSecond, IReadOnlyList<double?> ConsumerLag)
{
    public static PipelineSeries Empty { get; } = new([], [], []);
}

/// <summary>The consumer group's window progress: how many partitions reported, and its low watermarks.</summary>
internal sealed record PipelineProgress(
    string ConsumerGroup, int PartitionsReporting, int TopicPartitions, DateTimeOffset? ClosedThrough, DateTimeOffset? FinalThrough, DateTimeOffset UpdatedAt)
{
    public bool Complete => TopicPartitions > 0 && PartitionsReporting >= TopicPartitions;
}
