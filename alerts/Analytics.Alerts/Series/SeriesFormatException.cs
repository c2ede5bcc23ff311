namespace Analytics.Alerts.Series;

/// <summary>
/// A series file breaks its format at one place: the message is one line, <c>path:line: reason</c>, and
/// the properties say where, so a caller can point at the row without parsing the message.
/// </summary>
internal sealed class SeriesFormatException : AlertsException
{
    /// <summary><see cref="Column"/> when the header line is at fault.</summary>
    public const string HeaderColumn = "header";

    /// <summary><see cref="Column"/> when the row as a whole is at fault (blank, too long, too many columns).</summary>
    public const string RowColumn = "row";

    public SeriesFormatException(string path, long line, string column, string reason)
        : base($"{path}:{line}: {reason}")
    {
        Path = path;
        Line = line;
        Column = column;
        Reason = reason;
    }

    /// <summary>The file as the caller named it.</summary>
    public string Path { get; }

    /// <summary>1-based; the header is line 1.</summary>
    public long Line { get; }

    /// <summary>The column at fault (timestamp, value, numerator, denominator), or <see cref="HeaderColumn"/> or <see cref="RowColumn"/>.</summary>
    public string Column { get; }

    public string Reason { get; }

    public override bool IsTransient => false;
}
