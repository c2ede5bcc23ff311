using System.Globalization;
using System.Text.Json;
using Analytics.Processors.ClickHouse;

namespace Analytics.Noc.Tests;

/// <summary>
/// The tiles' values computed independently of the wall: the raw <c>qoe_delivery_10s</c> rows of one window (FINAL),
/// summed here with docs/metrics.md's formulas. Only the p95 is left to the store's <c>qoe_quantile</c>, over the raw table.
/// </summary>
internal static class ReferenceTiles
{
    public static string Sql(string database, long window) => string.Create(CultureInfo.InvariantCulture, $"""
        SELECT toFloat64(attempts) AS attempts, toFloat64(plays) AS plays, toFloat64(concurrent_plays) AS concurrent_plays,
            toFloat64(video_start_failures) AS vsf, toFloat64(exits_before_video_start) AS ebvs, toFloat64(rebuffer_ms) AS rebuffer_ms,
            toFloat64(playing_ms) AS playing_ms, toFloat64(playback_failures) AS vpf,
            toFloat64((SELECT qoe_quantile(0.95, sumMap(start_time_sketch)) FROM {database}.qoe_delivery_10s FINAL WHERE window_start = toDateTime({window}, 'UTC'))) AS p95
        FROM {database}.qoe_delivery_10s FINAL
        WHERE window_start = toDateTime({window}, 'UTC')
        """);

    public static async Task<IReadOnlyDictionary<string, double?>> ComputeAsync(IClickHouseConnection connection, string database, long window)
        => Compute(await connection.QueryJsonRowsAsync(Sql(database, window)));

    public static IReadOnlyDictionary<string, double?> Compute(IReadOnlyList<JsonElement> rows)
    {
        double Sum(string name) => rows.Sum(r => r.GetProperty(name).GetDouble());
        static double? Ratio(double a, double b) => b == 0 ? null : a / b;
        var plays = Sum("plays");
        var attempts = Sum("attempts");
        return new Dictionary<string, double?>(StringComparer.Ordinal)
        {
            ["plays"] = plays,
            ["concurrent_plays"] = Sum("concurrent_plays"),
            ["vsf_rate"] = Ratio(Sum("vsf"), attempts),
            ["ebvs_rate"] = Ratio(Sum("ebvs"), attempts),
            ["start_time_p95_ms"] = plays == 0 || rows.Count == 0 ? null : rows[0].GetProperty("p95").GetDouble(),
            ["rebuffering_ratio"] = Ratio(Sum("rebuffer_ms"), Sum("playing_ms") + Sum("rebuffer_ms")),
            ["vpf_rate"] = Ratio(Sum("vpf"), plays),
        };
    }

    public static void AssertClose(double? expected, double? actual, string metric)
    {
        if (expected is null || actual is null)
        {
            Assert.True(expected is null && actual is null, $"{metric}: expected {expected?.ToString(CultureInfo.InvariantCulture) ?? "null"}, got {actual?.ToString(CultureInfo.InvariantCulture) ?? "null"}");
            return;
        }

        Assert.True(
            Math.Abs(expected.Value - actual.Value) <= 1e-9 * Math.Max(1, Math.Abs(expected.Value)),
            string.Create(CultureInfo.InvariantCulture, $"{metric}: expected {expected}, got {actual}"));
    }
}
