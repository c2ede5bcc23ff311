namespace Analytics.Alerts.Series;

/// <summary>
/// One row of a series file. The texts are the fields as written, without surrounding whitespace, so
/// output can echo them unchanged. They point into the reader's buffer: a ref struct, so a row cannot
/// outlive the next <see cref="SeriesCsvReader.TryRead"/>; copy what must be kept.
/// </summary>
internal readonly ref struct SeriesRow
{
    public SeriesRow(long line, long timestampMs, double value, double denominator, ReadOnlySpan<char> timestampText, ReadOnlySpan<char> valueText, ReadOnlySpan<char> denominatorText)
    {
        Line = line;
        TimestampMs = timestampMs;
        Value = value;
        Denominator = denominator;
        TimestampText = timestampText;
        ValueText = valueText;
        DenominatorText = denominatorText;
    }

    /// <summary>The row's line in the file, 1-based (the header is line 1).</summary>
    public long Line { get; }

    /// <summary>Unix milliseconds, UTC.</summary>
    public long TimestampMs { get; }

    /// <summary>The value; in a <see cref="SeriesKind.Ratio"/> series, the numerator.</summary>
    public double Value { get; }

    /// <summary>The denominator of a <see cref="SeriesKind.Ratio"/> series; NaN in a value series.</summary>
    public double Denominator { get; }

    public ReadOnlySpan<char> TimestampText { get; }

    /// <summary>The value's text; in a ratio series, the numerator's.</summary>
    public ReadOnlySpan<char> ValueText { get; }

    /// <summary>The denominator's text; empty in a value series.</summary>
    public ReadOnlySpan<char> DenominatorText { get; }
}
