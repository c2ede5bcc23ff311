using System.Globalization;
using System.Text.Json;
using Analytics.Processors.ClickHouse;

namespace Analytics.Noc.Snapshots;

/// <summary>
/// The tiles and charts, read from <c>qoe_delivery_10s_v</c> with the formulas of docs/metrics.md and the Grafana NOC
/// dashboard: sums per window first, ratios and the p95 from the sums, never averaged.
/// </summary>
internal sealed class QoeQueries(IClickHouseConnection connection, string database)
{
    public const int WindowSeconds = 10;

    /// <summary>
    /// The window the tiles show: the newest 10 s window every partition has closed, or, with no progress recorded,
    /// the newest stored. Null while nothing is stored. FINAL: a window whose rows a correction deleted is not shown.
    /// </summary>
    public async Task<TileWindow?> NewestWindowAsync(PipelineProgress? progress, CancellationToken ct)
    {
        var closed = progress is { Complete: true, ClosedThrough: { } through } ? through.ToUnixTimeSeconds() : (long?)null;
        var bound = closed is { } c ? $"WHERE window_start <= toDateTime({c - WindowSeconds}, 'UTC')" : string.Empty;
        var rows = await connection.QueryJsonRowsAsync(
            $"SELECT toInt64(toUnixTimestamp(max(window_start))) AS start, count() AS n FROM {database}.qoe_delivery_10s FINAL {bound}", ct);
        if (rows.Count == 0 || rows[0].GetProperty("n").GetInt64Quoted() == 0)
        {
            return null;
        }

        var start = rows[0].GetProperty("start").GetInt64Quoted();
        return new TileWindow(start, WindowSeconds, closed is null ? "stored" : "closed", IsFinal(start, progress));
    }

    public static bool IsFinal(long windowStart, PipelineProgress? progress)
        => progress is { Complete: true, FinalThrough: { } final } && windowStart + WindowSeconds <= final.ToUnixTimeSeconds();

    public async Task<IReadOnlyList<Tile>> TilesAsync(TileWindow window, CancellationToken ct)
    {
        var rows = await PerWindowAsync(window.Start, window.Start, ct);
        JsonElement? values = rows.Count == 0 ? null : rows[0];
        return [.. TileCatalog.All.Select(d =>
        {
            var value = values is null ? null : Number(values.Value, d.Metric);
            return new Tile(d.Metric, d.Label, d.Unit, value, d.StatusOf(value), window.Start);
        })];
    }

    /// <summary>Every tile metric per 10 s window in [from, through], oldest first.</summary>
    public async Task<QoeSeries> SeriesAsync(long from, long through, CancellationToken ct)
    {
        var rows = await PerWindowAsync(from, through, ct);
        var values = TileCatalog.All.ToDictionary(
            d => d.Metric, d => (IReadOnlyList<double?>)[.. rows.Select(r => Number(r, d.Metric))], StringComparer.Ordinal);
        return new QoeSeries([.. rows.Select(r => r.GetProperty("t").GetInt64Quoted())], values);
    }

    private Task<IReadOnlyList<JsonElement>> PerWindowAsync(long from, long through, CancellationToken ct)
        => connection.QueryJsonRowsAsync(string.Create(CultureInfo.InvariantCulture, $"""
            SELECT toInt64(toUnixTimestamp(window_start)) AS t,
                toFloat64(w_plays) AS plays,
                toFloat64(w_concurrent) AS concurrent_plays,
                w_vsf / nullIf(w_attempts, 0) AS vsf_rate,
                w_ebvs / nullIf(w_attempts, 0) AS ebvs_rate,
                if(empty(w_sketch), NULL, toFloat64(qoe_quantile(0.95, w_sketch))) AS start_time_p95_ms,
                w_rebuffer_ms / nullIf(w_playing_ms + w_rebuffer_ms, 0) AS rebuffering_ratio,
                w_vpf / nullIf(w_plays, 0) AS vpf_rate
            FROM (
                -- Per window first; w_ names keep the outer aliases from capturing them.
                SELECT window_start,
                    sum(attempts) AS w_attempts, sum(plays) AS w_plays, sum(concurrent_plays) AS w_concurrent,
                    sum(video_start_failures) AS w_vsf, sum(exits_before_video_start) AS w_ebvs,
                    sumMap(start_time_sketch) AS w_sketch, sum(rebuffer_ms) AS w_rebuffer_ms, sum(playing_ms) AS w_playing_ms,
                    sum(playback_failures) AS w_vpf
                FROM {database}.qoe_delivery_10s_v
                WHERE window_start >= toDateTime({from}, 'UTC') AND window_start <= toDateTime({through}, 'UTC')
                GROUP BY window_start)
            ORDER BY t
            """), ct);

    private static double? Number(JsonElement row, string name)
        => row.TryGetProperty(name, out var e) && e.ValueKind == JsonValueKind.Number && e.GetDouble() is var d && double.IsFinite(d) ? d : null;
}
