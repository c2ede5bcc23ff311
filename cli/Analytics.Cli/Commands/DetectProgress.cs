using System.Globalization;
using Analytics.Alerts.Detectors;

namespace Analytics.Cli.Commands;

/// <summary>
/// What <c>analytics detect</c> says on stderr: a progress line at most once a second while a large file
/// is read (a small one finishes before anyone would read it), and one summary line at the end.
/// </summary>
internal sealed class DetectProgress
{
    /// <summary>Inputs larger than this (8 MiB, about 300,000 NAB rows) show progress.</summary>
    public const long Threshold = 8L * 1024 * 1024;

    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly TextWriter _error;
    private readonly TimeProvider _time;
    private readonly long? _length;
    private readonly long _started;
    private long _lastPrinted;

    public DetectProgress(TextWriter error, TimeProvider time, long? length)
    {
        _error = error;
        _time = time;
        _length = length;
        _started = _lastPrinted = time.GetTimestamp();
    }

    /// <summary>False for small inputs and for streams of unknown length: those never print progress.</summary>
    public bool Enabled => _length > Threshold;

    /// <summary>Cheap enough to call every few thousand rows; prints only when a second has passed.</summary>
    public void Report(long bytesRead, long rows)
    {
        if (!Enabled)
        {
            return;
        }

        var now = _time.GetTimestamp();
        if (_time.GetElapsedTime(_lastPrinted, now) < Interval)
        {
            return;
        }

        _lastPrinted = now;
        // The reader runs up to one buffer ahead of the rows; 100 % is left to the summary line.
        var percent = (int)Math.Min(99, bytesRead * 100 / _length!.Value);
        var seconds = _time.GetElapsedTime(_started, now).TotalSeconds;
        _error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"detect: {percent}% ({rows:N0} rows, {Rate(rows / seconds)} rows/s)"));
    }

    /// <summary>E.g. <c>detect: 10,320 rows scored by gaussian in 0.04 s</c>, plus the missing points if any.</summary>
    public void Summary(long rows, IDetector detector, long earlierRows = 0)
    {
        var seconds = _time.GetElapsedTime(_started).TotalSeconds;
        var missing = detector.MissingPoints switch
        {
            0 => string.Empty,
            1 => "; 1 missing (non-finite) point scored 0",
            var n => string.Create(CultureInfo.InvariantCulture, $"; {n:N0} missing (non-finite) points scored 0"),
        };
        var earlier = earlierRows switch
        {
            0 => string.Empty,
            _ => string.Create(CultureInfo.InvariantCulture, $"; {earlierRows:N0} earlier than the row before (scored in file order)"),
        };
        var noun = rows == 1 ? "row" : "rows";
        _error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"detect: {rows:N0} {noun} scored by {detector.Name} in {seconds:0.00} s{missing}{earlier}"));
    }

    /// <summary>2.1M, 950K, 12: short enough for an 80-column line.</summary>
    public static string Rate(double perSecond) => perSecond switch
    {
        >= 1e6 => string.Create(CultureInfo.InvariantCulture, $"{perSecond / 1e6:0.0}M"),
        >= 1e3 => string.Create(CultureInfo.InvariantCulture, $"{perSecond / 1e3:0}K"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{perSecond:0}"),
    };
}
