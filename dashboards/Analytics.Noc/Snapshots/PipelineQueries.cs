using System.Globalization;
using System.Text.Json;
using Analytics.Processors.ClickHouse;

namespace Analytics.Noc.Snapshots;

/// <summary>
/// The pipeline's health from <c>pipeline_health</c> (long format, one row per figure every 10 s; counters hold the
/// increase since the previous row) and window progress from <c>pipeline_progress</c>. Both read the consumer group
/// that wrote last, so a store shared by a demo and a replay shows the one that runs.
/// </summary>
internal sealed class PipelineQueries(IClickHouseConnection connection, string database)
{
    /// <summary>How far back the rates and latest gauges look from the newest row.</summary>
    public const int BucketSeconds = 60;

    private static readonly string[] Gauges =
        ["consumer_lag", "open_sessions", "watermark_delay_seconds", "checkpoint_age_seconds", "sink_insert_p50_ms", "sink_insert_max_ms"];

    // Summed over partitions: a group-wide total. The others are the worst partition or instance.
    private static readonly HashSet<string> Summed = new(StringComparer.Ordinal) { "consumer_lag", "open_sessions" };

    private static readonly string[] RateCounters = ["events", "sink_rows"];

    private static readonly string[] HourCounters = ["dead_letters", "late_beacons", "orphan_beacons", "duplicate_beacons"];

    public async Task<PipelineProgress?> ProgressAsync(CancellationToken ct)
    {
        var rows = await connection.QueryJsonRowsAsync($"""
            SELECT consumer_group, toInt64(count()) AS reporting, toInt64(max(topic_partitions)) AS partitions,
                toInt64(toUnixTimestamp64Milli(min(closed_through))) AS closed_ms,
                toInt64(toUnixTimestamp64Milli(min(final_through))) AS final_ms,
                toInt64(toUnixTimestamp64Milli(max(updated_at))) AS updated_ms
            FROM {database}.pipeline_progress FINAL
            WHERE (consumer_group, source) IN (
                SELECT argMax(consumer_group, updated_at), argMax(source, updated_at) FROM {database}.pipeline_progress)
            GROUP BY consumer_group
            """, ct);
        if (rows.Count == 0)
        {
            return null;
        }

        var r = rows[0];
        return new PipelineProgress(
            r.GetProperty("consumer_group").GetString()!,
            (int)r.GetProperty("reporting").GetInt64Quoted(),
            (int)r.GetProperty("partitions").GetInt64Quoted(),
            Time(r, "closed_ms"),
            Time(r, "final_ms"),
            DateTimeOffset.FromUnixTimeMilliseconds(r.GetProperty("updated_ms").GetInt64Quoted()));
    }

    public async Task<PipelineHealth> HealthAsync(PipelineProgress? progress, TimeSpan seriesLength, CancellationToken ct)
    {
        var newest = await connection.QueryJsonRowsAsync($"""
            SELECT argMax(consumer_group, at) AS consumer_group, toInt64(toUnixTimestamp64Milli(max(at))) AS last_ms, toInt64(count()) AS n
            FROM {database}.pipeline_health
            """, ct);
        if (newest.Count == 0 || newest[0].GetProperty("n").GetInt64Quoted() == 0)
        {
            return new PipelineHealth(false, progress?.ConsumerGroup, null, new Dictionary<string, double>(), PipelineSeries.Empty, progress);
        }

        var group = newest[0].GetProperty("consumer_group").GetString()!;
        var lastMs = newest[0].GetProperty("last_ms").GetInt64Quoted();
        var scope = string.Create(CultureInfo.InvariantCulture, $"consumer_group = {ClickHouseSql.Quote(group)} AND at <= fromUnixTimestamp64Milli({lastMs})");
        var figures = new Dictionary<string, double>(StringComparer.Ordinal);
        await ReadGaugesAsync(scope, lastMs, figures, ct);
        await ReadCountersAsync(scope, lastMs, (long)seriesLength.TotalMilliseconds, figures, ct);
        var series = await SeriesAsync(scope, lastMs, (long)seriesLength.TotalMilliseconds, ct);
        return new PipelineHealth(true, group, DateTimeOffset.FromUnixTimeMilliseconds(lastMs), figures, series, progress);
    }

    // The newest value of each gauge per partition (instance-wide ones per instance), then summed or the worst.
    private async Task ReadGaugesAsync(string scope, long lastMs, Dictionary<string, double> figures, CancellationToken ct)
    {
        var rows = await connection.QueryJsonRowsAsync(string.Create(CultureInfo.InvariantCulture, $"""
            SELECT metric, sum(latest) AS total, max(latest) AS worst
            FROM (
                SELECT metric, source_partition, if(source_partition < 0, instance, '') AS owner, argMax(value, at) AS latest
                FROM {database}.pipeline_health
                WHERE {scope} AND at > fromUnixTimestamp64Milli({lastMs - (BucketSeconds * 1000L)}) AND metric IN ({In(Gauges)})
                GROUP BY metric, source_partition, owner)
            GROUP BY metric
            """), ct);
        foreach (var r in rows)
        {
            var metric = r.GetProperty("metric").GetString()!;
            figures[metric] = r.GetProperty(Summed.Contains(metric) ? "total" : "worst").GetDouble();
        }
    }

    // Rates over the last bucket (shorter while the table is younger than it), totals over the charts' length.
    private async Task ReadCountersAsync(string scope, long lastMs, long lengthMs, Dictionary<string, double> figures, CancellationToken ct)
    {
        var rows = await connection.QueryJsonRowsAsync(string.Create(CultureInfo.InvariantCulture, $"""
            SELECT metric,
                sumIf(value, at > fromUnixTimestamp64Milli({lastMs - (BucketSeconds * 1000L)})) AS recent,
                sum(value) AS total,
                toInt64(toUnixTimestamp64Milli(min(at))) AS first_ms
            FROM {database}.pipeline_health
            WHERE {scope} AND at > fromUnixTimestamp64Milli({lastMs - lengthMs}) AND metric IN ({In([.. RateCounters, .. HourCounters])})
            GROUP BY metric
            """), ct);
        foreach (var r in rows)
        {
            var metric = r.GetProperty("metric").GetString()!;
            if (RateCounters.Contains(metric))
            {
                // Each row counts the 10 s before it, so the oldest row reaches 10 s further back than its time.
                var seconds = Math.Min(BucketSeconds, ((lastMs - r.GetProperty("first_ms").GetInt64Quoted()) / 1000.0) + 10);
                figures[metric + "_per_second"] = r.GetProperty("recent").GetDouble() / seconds;
            }
            else
            {
                figures[metric] = r.GetProperty("total").GetDouble();
            }
        }
    }

    private async Task<PipelineSeries> SeriesAsync(string scope, long lastMs, long lengthMs, CancellationToken ct)
    {
        var rows = await connection.QueryJsonRowsAsync(string.Create(CultureInfo.InvariantCulture, $"""
            SELECT t, sum(events) / 10 AS events_per_second, sum(lag) AS consumer_lag
            FROM (
                SELECT toInt64(intDiv(toUnixTimestamp64Milli(at) - 1, 10000) * 10) AS t, source_partition,
                    sumIf(value, metric = 'events') AS events, argMaxIf(value, at, metric = 'consumer_lag') AS lag
                FROM {database}.pipeline_health
                WHERE {scope} AND at > fromUnixTimestamp64Milli({lastMs - lengthMs}) AND metric IN ('events', 'consumer_lag')
                GROUP BY t, source_partition)
            GROUP BY t
            ORDER BY t
            """), ct);
        return new PipelineSeries(
            [.. rows.Select(r => r.GetProperty("t").GetInt64Quoted())],
            [.. rows.Select(r => (double?)r.GetProperty("events_per_second").GetDouble())],
            [.. rows.Select(r => (double?)r.GetProperty("consumer_lag").GetDouble())]);
    }

    private static string In(IEnumerable<string> names) => string.Join(", ", names.Select(ClickHouseSql.Quote));

    // Before a partition's first sweep a boundary is stored as the epoch: no boundary yet.
    private static DateTimeOffset? Time(JsonElement row, string name)
        => row.GetProperty(name).GetInt64Quoted() is > 0 and var ms ? DateTimeOffset.FromUnixTimeMilliseconds(ms) : null;
}
