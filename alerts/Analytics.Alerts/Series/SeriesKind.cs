namespace Analytics.Alerts.Series;

/// <summary>What a series file's header says each row holds.</summary>
internal enum SeriesKind
{
    /// <summary><c>timestamp,value</c>: one number per row (NAB's layout).</summary>
    Value,

    /// <summary><c>timestamp,numerator,denominator</c>: a ratio, e.g. failures and attempts, both ≥ 0.</summary>
    Ratio,
}
