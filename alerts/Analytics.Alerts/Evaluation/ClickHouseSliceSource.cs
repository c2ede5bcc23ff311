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
/// While catching up (a backlog, a backtest) one query reads a run of final windows at once and the
/// rest are answered from that read; a window not known final is always read on its own.
/// </summary>
internal sealed class ClickHouseSliceSource : ISliceSource
{
    private static readonly string MetricSums = QoeTables.ViewFragment("metric_sums");
    private static readonly string DerivedMetrics = QoeTables.ViewFragment("derived_metrics");
    private const int PrefetchWindows = 60;
    private readonly IClickHouseConnection _connection;
    private readonly string _database;
    private readonly Dictionary<(string Key, long WindowStartMs), IReadOnlyList<SliceRow>> _read = [];

    public ClickHouseSliceSource(IClickHouseConnection connection, string database)
    {
        _connection = connection;
        _database = database;
    }

    /// <summary>Queries run so far (for the evaluation cost figures).</summary>
    public long Queries { get; private set; }

    /// <summary>Windows ending by this are final (the group's boundary): they may be read ahead in one query.</summary>
    public long FinalThroughMs { get; set; } = long.MinValue;

    public static string Sql(string database, SliceQuery query, Slice? within, int windows = 1)
    {
        var dims = query.By.Concat(within?.Names ?? []).Distinct().ToList();
        var cube = Cubes.CubeFor(dims, query.WindowMs) ?? throw new ArgumentException($"No cube has every dimension of {string.Join(", ", dims)}.", nameof(query));
        var view = $"{database}.{cube.Table(query.WindowMs)}_v";
        var where = new StringBuilder(windows == 1
            ? string.Create(CultureInfo.InvariantCulture, $"window_start = toDateTime({query.WindowStartMs / 1000}, 'UTC')")
            : string.Create(CultureInfo.InvariantCulture, $"window_start >= toDateTime({query.WindowStartMs / 1000}, 'UTC') AND window_start < toDateTime({(query.WindowStartMs + (windows * query.WindowMs)) / 1000}, 'UTC')"));
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
        var key = $"{string.Join(',', query.By)}|{query.WindowMs}|{within}";
        if (_read.Remove((key, query.WindowStartMs), out var known))
        {
            return known;
        }

        // Only windows known final may be read ahead (a later one could still change), and only whole slicings.
        var ahead = within is null ? (int)Math.Clamp((FinalThroughMs - query.WindowStartMs) / query.WindowMs, 1, PrefetchWindows) : 1;
        var rows = await _connection.QueryJsonRowsAsync(Sql(_database, query, within, ahead), ct);
        Queries++;
        var byWindow = new Dictionary<long, List<SliceRow>>();
        foreach (var row in rows)
        {
            var ws = (long)Number(row.GetProperty("ws"))!.Value;
            var dims = query.By.Select(d => KeyValuePair.Create(d, row.GetProperty(d).GetString() ?? ""));
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var p in row.EnumerateObject())
            {
                if (Number(p.Value) is { } v && p.Name != "ws" && !query.By.Contains(p.Name))
                {
                    values[p.Name] = v;
                }
            }

            if (!byWindow.TryGetValue(ws, out var list))
            {
                byWindow[ws] = list = [];
            }

            list.Add(new SliceRow(new Slice(dims), ws, values));
        }

        // Reads ahead are kept until asked for, once; a window with no traffic is an empty answer, not a new query.
        for (var i = 1; i < ahead; i++)
        {
            var ws = query.WindowStartMs + (i * query.WindowMs);
            _read[(key, ws)] = byWindow.TryGetValue(ws, out var later) ? later : [];
        }

        return byWindow.TryGetValue(query.WindowStartMs, out var these) ? these : [];
    }

    /// <summary>Drops reads ahead for windows before this (they will not be asked for).</summary>
    public void Forget(long beforeMs)
    {
        foreach (var k in _read.Keys.Where(k => k.WindowStartMs < beforeMs).ToList())
        {
            _read.Remove(k);
        }
    }

    // Counts may come quoted (64-bit integers), ratios as numbers, NULL (a zero denominator) as null.
    private static double? Number(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Number => e.GetDouble(),
        JsonValueKind.String when double.TryParse(e.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => v,
        _ => null,
    };
}
