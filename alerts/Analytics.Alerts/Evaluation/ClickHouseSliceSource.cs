using System.Globalization;
using System.Text;
using System.Text.Json;
using Analytics.Alerts.Metrics;
using Analytics.Alerts.Slices;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Sinks;

namespace Analytics.Alerts.Evaluation;

/// <summary>
/// Reads slices from the analyst views (<c>qoe_&lt;cube&gt;_&lt;window&gt;_v</c>), grouped by the
/// slice's dimensions with the views' own formulas (the <c>metric_sums</c> and <c>derived_metrics</c>
/// fragments of their migration), so alerting sees exactly what an analyst querying the view sees.
/// </summary>
internal sealed class ClickHouseSliceSource : ISliceSource
{
    private static readonly string MetricSums = QoeTables.ViewFragment("metric_sums");
    private static readonly string DerivedMetrics = QoeTables.ViewFragment("derived_metrics");
    private readonly IClickHouseConnection _connection;
    private readonly string _database;

    public ClickHouseSliceSource(IClickHouseConnection connection, string database)
    {
        _connection = connection;
        _database = database;
    }

    /// <summary>Queries run so far (for the evaluation cost figures).</summary>
    public long Queries { get; private set; }

    public static string Sql(string database, SliceQuery query, Slice? within)
    {
        var dims = query.By.Concat(within?.Names ?? []).Distinct().ToList();
        var cube = Cubes.CubeFor(dims, query.WindowMs) ?? throw new ArgumentException($"No cube has every dimension of {string.Join(", ", dims)}.", nameof(query));
        var view = $"{database}.{cube.Table(query.WindowMs)}_v";
        var where = new StringBuilder(string.Create(CultureInfo.InvariantCulture, $"window_start = toDateTime({query.WindowStartMs / 1000}, 'UTC')"));
        foreach (var (name, value) in within?.Dimensions ?? [])
        {
            where.Append(" AND ").Append(name).Append(" = ").Append(ClickHouseSql.Quote(value));
        }

        var groupBy = string.Join(", ", query.By.Prepend("window_start"));
        var select = string.Join(", ", query.By.Select(d => $"toString({d}) AS {d}"));
        return $"""
            SELECT toUnixTimestamp(window_start) * 1000 AS ws{(select.Length > 0 ? ", " + select : "")},
            {MetricSums}
                sum(concurrent_plays) AS concurrent_plays,
            {DerivedMetrics}
            FROM {view}
            WHERE {where}
            GROUP BY {groupBy}
            """;
    }

    public async Task<IReadOnlyList<SliceRow>> ReadAsync(SliceQuery query, Slice? within, CancellationToken ct)
    {
        var rows = await _connection.QueryJsonRowsAsync(Sql(_database, query, within), ct);
        Queries++;
        var result = new List<SliceRow>(rows.Count);
        foreach (var row in rows)
        {
            var dims = query.By.Select(d => KeyValuePair.Create(d, row.GetProperty(d).GetString() ?? ""));
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var p in row.EnumerateObject())
            {
                if (Number(p.Value) is { } v && p.Name != "ws" && !query.By.Contains(p.Name))
                {
                    values[p.Name] = v;
                }
            }

            result.Add(new SliceRow(new Slice(dims), query.WindowStartMs, values));
        }

        return result;
    }

    // Counts may come quoted (64-bit integers), ratios as numbers, NULL (a zero denominator) as null.
    private static double? Number(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
        _ => null,
    };
}
