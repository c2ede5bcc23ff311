using Analytics.Alerts.Metrics;
using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Rules.Testing;

/// <summary>One slice's columns in a rule test, one value per window from <see cref="StartMs"/> (null: no data).</summary>
internal sealed record FixtureSeries(Slice Slice, long StartMs, IReadOnlyDictionary<string, IReadOnlyList<double?>> Values);

/// <summary>
/// An <see cref="ISliceSource"/> over test series given at the finest level: a query's <c>by</c> is answered
/// by summing the additive columns of the series inside each slice, then deriving the ratios from the
/// sums exactly as the views do. Columns that do not add up (percentiles) pass through only when a single
/// series has exactly the query's dimensions; otherwise they are absent, since a sketch cannot be rebuilt.
/// </summary>
internal sealed class FixtureSliceSource(long windowMs, IReadOnlyList<FixtureSeries> series) : ISliceSource
{
    public Task<IReadOnlyList<SliceRow>> ReadAsync(SliceQuery query, Slice? within, CancellationToken ct)
    {
        var groups = new Dictionary<Slice, List<(FixtureSeries Series, Dictionary<string, double> Values)>>();
        foreach (var s in series)
        {
            if (query.WindowMs != windowMs || !query.By.All(d => s.Slice[d] is not null) || (within is not null && !within.Contains(s.Slice)))
            {
                continue;
            }

            var offset = query.WindowStartMs - s.StartMs;
            if (offset < 0 || offset % windowMs != 0)
            {
                continue;
            }

            var index = (int)Math.Min(int.MaxValue, offset / windowMs);
            var values = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (column, list) in s.Values)
            {
                if (index < list.Count && list[index] is { } v)
                {
                    values[column] = v;
                }
            }

            if (values.Count == 0)
            {
                continue;
            }

            var key = new Slice(query.By.Select(d => new KeyValuePair<string, string>(d, s.Slice[d]!)));
            if (!groups.TryGetValue(key, out var members))
            {
                groups[key] = members = [];
            }

            members.Add((s, values));
        }

        IReadOnlyList<SliceRow> rows = [.. groups.Select(g => new SliceRow(g.Key, query.WindowStartMs, Row(g.Value, query.By)))];
        return Task.FromResult(rows);
    }

    private static Dictionary<string, double> Row(List<(FixtureSeries Series, Dictionary<string, double> Values)> members, IReadOnlyList<string> by)
    {
        var row = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var column in MetricCatalog.SumColumns)
        {
            var present = members.Where(m => m.Values.ContainsKey(column)).ToList();
            if (present.Count > 0)
            {
                row[column] = present.Sum(m => m.Values[column]);
            }
        }

        var exact = members.Count == 1 && members[0].Series.Slice.Dimensions.Count == by.Count;
        foreach (var metric in MetricCatalog.All.Where(m => m.Kind != MetricKind.Count))
        {
            if (metric.Ratio?.Value(c => row.TryGetValue(c, out var v) ? v : null) is { } derived)
            {
                row[metric.Name] = derived;
            }
            else if (exact && members[0].Values.TryGetValue(metric.Name, out var given))
            {
                row[metric.Name] = given;
            }
        }

        return row;
    }
}
