using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Incidents.Localization;

/// <summary>
/// Finds the dimension values that explain an anomaly of a coarse slice, after Adtributor (Bhagwan et al.,
/// NSDI 2014). Rows are the finest slices inside the anomalous one, now and in a baseline window. Per
/// dimension, each value's actual and expected amount of an additive quantity is summed; for a rate metric
/// the quantity is the numerator (failures), and the expected amount is the value's baseline rate times its
/// current denominator (attempts), so a value whose traffic merely grew is not blamed.
/// <list type="bullet">
/// <item>explanatory power of a value = (actual − expected) / (total actual − total expected);</item>
/// <item>surprise of a value = its term of the Jensen-Shannon divergence between the expected and actual distributions;</item>
/// <item>per dimension, values are taken by surprise (highest first, each explaining at least the minimum share)
///   until together they explain the required share; the dimension's surprise is the sum of theirs;</item>
/// <item>the answer is the most surprising dimension that reaches the required share.</item>
/// </list>
/// </summary>
internal sealed class Adtributor
{
    private readonly double _explainedShare;
    private readonly double _minElementShare;

    public Adtributor(double explainedShare = 0.67, double minElementShare = 0.1)
    {
        _explainedShare = explainedShare;
        _minElementShare = minElementShare;
    }

    /// <param name="within">The anomalous slice; culprits are it plus one dimension value.</param>
    /// <param name="dimensions">The dimensions to consider (those of <paramref name="within"/> are skipped).</param>
    /// <param name="current">The finest rows inside the slice in the anomalous window.</param>
    /// <param name="baseline">The same rows in the baseline window.</param>
    /// <param name="quantity">The additive quantity of a row (e.g. failures).</param>
    /// <param name="scale">The row's traffic (e.g. attempts) for rate metrics, or null to compare quantities directly.</param>
    public LocalizationResult Localize(
        Slice within,
        IReadOnlyList<string> dimensions,
        IReadOnlyList<SliceRow> current,
        IReadOnlyList<SliceRow> baseline,
        Func<IReadOnlyDictionary<string, double>, double> quantity,
        Func<IReadOnlyDictionary<string, double>, double>? scale)
    {
        var best = LocalizationResult.None;
        foreach (var dimension in dimensions.Where(d => within[d] is null))
        {
            var candidate = Dimension(within, dimension, current, baseline, quantity, scale);
            if (candidate is not null && candidate.Surprise > best.Surprise)
            {
                best = candidate;
            }
        }

        return best;
    }

    private LocalizationResult? Dimension(
        Slice within,
        string dimension,
        IReadOnlyList<SliceRow> current,
        IReadOnlyList<SliceRow> baseline,
        Func<IReadOnlyDictionary<string, double>, double> quantity,
        Func<IReadOnlyDictionary<string, double>, double>? scale)
    {
        var actual = Sum(current, dimension, quantity);
        var before = Sum(baseline, dimension, quantity);
        Dictionary<string, double> expected;
        if (scale is null)
        {
            expected = before;
        }
        else
        {
            // Expected = baseline rate of the value × its traffic now; values new since the baseline get the overall rate.
            var trafficNow = Sum(current, dimension, scale);
            var trafficBefore = Sum(baseline, dimension, scale);
            var overall = trafficBefore.Values.Sum() > 0 ? before.Values.Sum() / trafficBefore.Values.Sum() : 0;
            expected = trafficNow.ToDictionary(
                t => t.Key,
                t => trafficBefore.GetValueOrDefault(t.Key) > 0 ? before.GetValueOrDefault(t.Key) / trafficBefore[t.Key] * t.Value : overall * t.Value,
                StringComparer.Ordinal);
        }

        var totalActual = actual.Values.Sum();
        var totalExpected = expected.Values.Sum();
        var change = totalActual - totalExpected;
        if (Math.Abs(change) < 1e-9 || totalActual <= 0 || totalExpected <= 0)
        {
            return null;
        }

        var elements = actual.Keys.Union(expected.Keys).Select(value =>
        {
            var a = actual.GetValueOrDefault(value);
            var e = expected.GetValueOrDefault(value);
            return (Value: value, Actual: a, Expected: e, Power: (a - e) / change, Surprise: JsTerm(e / totalExpected, a / totalActual));
        }).OrderByDescending(x => x.Surprise).ThenBy(x => x.Value, StringComparer.Ordinal).ToList();

        var chosen = new List<Culprit>();
        double explained = 0, surprise = 0;
        foreach (var element in elements.Where(x => x.Power >= _minElementShare))
        {
            chosen.Add(new Culprit(Extend(within, dimension, element.Value), Math.Round(element.Power * 100, 1), element.Expected, element.Actual));
            explained += element.Power;
            surprise += element.Surprise;
            if (explained >= _explainedShare)
            {
                return new LocalizationResult(dimension, surprise, [.. chosen.OrderByDescending(c => c.SharePercent)]);
            }
        }

        return null;
    }

    /// <summary>One value's term of the Jensen-Shannon divergence (base 2) between expected share p and actual share q.</summary>
    internal static double JsTerm(double p, double q)
    {
        var m = (p + q) / 2;
        return m <= 0 ? 0 : 0.5 * ((p > 0 ? p * Math.Log2(p / m) : 0) + (q > 0 ? q * Math.Log2(q / m) : 0));
    }

    private static Dictionary<string, double> Sum(IReadOnlyList<SliceRow> rows, string dimension, Func<IReadOnlyDictionary<string, double>, double> of)
    {
        var sums = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var row in rows)
        {
            var value = row.Slice[dimension] ?? "";
            sums[value] = sums.GetValueOrDefault(value) + of(row.Values);
        }

        return sums;
    }

    private static Slice Extend(Slice within, string dimension, string value)
        => new(within.Dimensions.Append(new KeyValuePair<string, string>(dimension, value)));
}
