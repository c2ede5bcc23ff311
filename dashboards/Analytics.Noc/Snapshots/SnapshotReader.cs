using System.Diagnostics.Metrics;
using Analytics.Noc.Wall;
using Analytics.Processors.ClickHouse;

namespace Analytics.Noc.Snapshots;

/// <summary>Reads one <see cref="WallSnapshot"/> from the store: the tiles' window first, then everything relative to it.</summary>
internal sealed class SnapshotReader
{
    /// <summary>The wall's instruments, for OpenTelemetry to export: one meter per process, as reads are process-wide.</summary>
    public const string MeterName = "Analytics.Noc";
    private static readonly Meter Meter = new(MeterName);
    private static readonly Histogram<double> ReadSeconds = Meter.CreateHistogram<double>(
        "analytics.noc.snapshot.duration", "s", "Time to read one NOC wall snapshot from the store");

    private readonly NocWallOptions _options;
    private readonly TimeProvider _time;
    private readonly QoeQueries _qoe;
    private readonly IncidentQueries _incidents;
    private readonly PipelineQueries _pipeline;

    public SnapshotReader(IClickHouseConnection connection, string database, NocWallOptions options, TimeProvider time)
    {
        ClickHouseSql.RequireDatabase(database);
        _options = options;
        _time = time;
        _qoe = new QoeQueries(connection, database);
        _incidents = new IncidentQueries(connection, database, time);
        _pipeline = new PipelineQueries(connection, database);
    }

    /// <summary>A snapshot; <paramref name="windowStart"/> (unix seconds, a multiple of 10) pins the tiles to that window.</summary>
    public async Task<WallSnapshot> ReadAsync(long? windowStart, CancellationToken ct)
    {
        var started = _time.GetTimestamp();
        var progress = await _pipeline.ProgressAsync(ct);
        var window = windowStart is { } pinned
            ? new TileWindow(pinned, QoeQueries.WindowSeconds, "requested", QoeQueries.IsFinal(pinned, progress))
            : await _qoe.NewestWindowAsync(progress, ct);
        IReadOnlyList<Tile> tiles = [];
        var series = QoeSeries.Empty;
        if (window is not null)
        {
            tiles = await _qoe.TilesAsync(window, ct);
            var length = (long)_options.SeriesLength.TotalSeconds;
            series = await _qoe.SeriesAsync(window.Start - length + QoeQueries.WindowSeconds, window.Start, ct);
        }

        var incidents = await _incidents.OpenAsync(_options.MaxIncidents, ct);
        var health = await _pipeline.HealthAsync(progress, _options.SeriesLength, ct);
        ReadSeconds.Record(_time.GetElapsedTime(started).TotalSeconds);
        return new WallSnapshot(_time.GetUtcNow(), (int)_options.SeriesLength.TotalSeconds, window, tiles, series, incidents, health);
    }
}
