namespace Analytics.Alerts.Metrics;

/// <summary>What a metric measures in, for templates and help texts.</summary>
internal enum MetricUnit
{
    /// <summary>A share in [0, 1], printed as a percentage.</summary>
    Ratio,

    /// <summary>Milliseconds.</summary>
    Milliseconds,

    /// <summary>Events per hour of playing time.</summary>
    PerHour,

    /// <summary>Kilobits per second.</summary>
    Kbps,

    /// <summary>A number of things (attempts, sessions, errors).</summary>
    Count,

    /// <summary>Minutes of playing time.</summary>
    Minutes,

    /// <summary>Bytes.</summary>
    Bytes,
}

/// <summary>How a view column comes from the stored sums.</summary>
internal enum MetricKind
{
    /// <summary>An additive sum, read as is (<c>attempts</c>, <c>bytes</c>).</summary>
    Count,

    /// <summary>A ratio of sums (<c>vsf_rate</c>, <c>rebuffering_ratio</c>); absent when the denominator is zero.</summary>
    Ratio,

    /// <summary>A percentile of the merged start-time sketch: only the store can compute it.</summary>
    Quantile,
}

/// <summary>One signed term of a sum of columns, e.g. <c>- seek_rebuffer_ms</c>.</summary>
internal readonly record struct ColumnTerm(string Column, double Sign = 1);

/// <summary>
/// A ratio as the views compute it: <c>Scale × Σ numerator / Σ denominator</c>, each side a signed sum
/// of additive columns. Kept as columns, not a formula, so the rate detector can read the counts.
/// </summary>
internal sealed record RatioParts(IReadOnlyList<ColumnTerm> Numerator, IReadOnlyList<ColumnTerm> Denominator, double Scale = 1)
{
    /// <summary>Whether the numerator counts a subset of the denominator (a proportion the rate detector can judge).</summary>
    public bool IsProportion { get; init; }

    public (double Numerator, double Denominator)? Counts(Func<string, double?> column)
    {
        var num = Sum(Numerator, column);
        var den = Denominator.Count == 0 ? 1 : Sum(Denominator, column);
        return num is { } n && den is { } d ? (n, d) : null;
    }

    /// <summary>The ratio, or null when a column is missing or the denominator is not positive (the views' NULL).</summary>
    public double? Value(Func<string, double?> column)
        => Counts(column) is { } c && c.Denominator > 0 ? Scale * c.Numerator / c.Denominator : null;

    private static double? Sum(IReadOnlyList<ColumnTerm> terms, Func<string, double?> column)
    {
        var sum = 0.0;
        foreach (var term in terms)
        {
            if (column(term.Column) is not { } v)
            {
                return null;
            }

            sum += term.Sign * v;
        }

        return sum;
    }
}

/// <summary>
/// A metric a rule can watch, named by its analyst-view column (docs/metrics.md, "Getting each metric in SQL").
/// <see cref="VolumeColumn"/> is the traffic behind it, which <c>min_volume</c> is compared with;
/// <see cref="HigherIsWorse"/> says which way is bad (failures and start times up, play rate and cache hits down).
/// </summary>
internal sealed record MetricDefinition(string Name, MetricKind Kind, MetricUnit Unit, string Description, string VolumeColumn, bool HigherIsWorse)
{
    /// <summary>For <see cref="MetricKind.Ratio"/>: the sums it divides.</summary>
    public RatioParts? Ratio { get; init; }

    /// <summary>Whether the metric adds up over slices, so a slice with no row has the value 0 (counts, minutes).</summary>
    public bool IsAdditive => Kind == MetricKind.Count || Ratio is { Denominator.Count: 0 };

    /// <summary>The metric's value in a row of view columns; null when absent (no traffic, zero denominator).</summary>
    public double? ValueIn(Func<string, double?> column) => column(Name);
}
