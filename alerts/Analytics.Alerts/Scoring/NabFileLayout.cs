namespace Analytics.Alerts.Scoring;

/// <summary>
/// What a detection at each row of one labelled series is worth under NAB's scoring, whatever the
/// detector: the scaled sigmoid of the row's position relative to the labelled windows, and the window
/// the row belongs to. Only the detector's scores and the threshold decide which rows are detections.
/// </summary>
internal sealed class NabFileLayout
{
    /// <summary>Row is outside every window (a detection there is a false positive).</summary>
    public const int Outside = -1;

    /// <summary>Row is in the probationary period: NAB ignores detections there.</summary>
    public const int Probation = -2;

    /// <summary>NAB's default share of each file that is probationary.</summary>
    public const double ProbationPercent = 0.15;

    private NabFileLayout(string key, int rows, int probation, int windows, double[] sigmoid, int[] window)
    {
        Key = key;
        Rows = rows;
        ProbationRows = probation;
        WindowCount = windows;
        Sigmoid = sigmoid;
        Window = window;
    }

    public string Key { get; }

    public int Rows { get; }

    /// <summary>Leading rows whose detections are ignored: min(⌊0.15·rows⌋, 0.15·5000), as NAB computes it.</summary>
    public int ProbationRows { get; }

    /// <summary>Labelled windows in the file, probationary or not (NAB's perfect score counts them all).</summary>
    public int WindowCount { get; }

    /// <summary>Unweighted score of a detection at each row: the scaled sigmoid, in [-1, 1].</summary>
    public double[] Sigmoid { get; }

    /// <summary>Index of the window each row is in, or <see cref="Outside"/>, or <see cref="Probation"/>.</summary>
    public int[] Window { get; }

    /// <summary>The value a detection at <paramref name="row"/> adds to the score under <paramref name="profile"/>.</summary>
    public double Weighted(int row, NabProfile profile) => Window[row] >= 0
        ? Sigmoid[row] * profile.TpWeight / MaxTruePositive
        : Sigmoid[row] * profile.FpWeight;

    /// <summary>The scaled sigmoid at the start of a window, where a detection earns the whole tpWeight.</summary>
    public static double MaxTruePositive { get; } = ScaledSigmoid(-1.0);

    /// <summary>NAB's scaled sigmoid: 2·σ(−5x) − 1, and −1 once a false positive is more than three windows past one.</summary>
    public static double ScaledSigmoid(double relativePosition) => relativePosition > 3.0
        ? -1.0
        : (2.0 / (1.0 + Math.Exp(5.0 * relativePosition))) - 1.0;

    public static int ProbationLength(int rows) => (int)Math.Min(Math.Floor(ProbationPercent * rows), ProbationPercent * 5000);

    /// <summary>
    /// Lays out one file. Windows are inclusive [start, end] timestamp ranges in time order; each covers the
    /// rows whose timestamps fall inside it, and must cover at least one row and not overlap the next.
    /// </summary>
    public static NabFileLayout Create(string key, ReadOnlySpan<long> timestamps, IReadOnlyList<(long Start, long End)> windows)
    {
        var rows = timestamps.Length;
        var probation = ProbationLength(rows);
        var bounds = new (int First, int Last)[windows.Count];
        for (var w = 0; w < windows.Count; w++)
        {
            var first = LowerBound(timestamps, windows[w].Start);
            var last = LowerBound(timestamps, windows[w].End + 1) - 1;
            if (first > last)
            {
                throw new NabCorpusException(key, $"window {w + 1} covers no row of the series");
            }

            if (w > 0 && first <= bounds[w - 1].Last)
            {
                throw new NabCorpusException(key, $"window {w + 1} overlaps window {w} or is out of order");
            }

            bounds[w] = (first, last);
        }

        var sigmoid = new double[rows];
        var window = new int[rows];
        var next = 0;
        var previousLast = -1;
        var previousWidth = 0.0;
        for (var i = 0; i < rows; i++)
        {
            if (next < bounds.Length && i >= bounds[next].First && i <= bounds[next].Last)
            {
                var (first, last) = bounds[next];
                double width = last - first + 1;
                sigmoid[i] = ScaledSigmoid(-(last - i + 1) / width);
                window[i] = next;
                if (i == last)
                {
                    previousLast = last;
                    previousWidth = width;
                    next++;
                }
            }
            else
            {
                // Before any window a false positive costs the whole fpWeight; after one, less the closer it follows.
                sigmoid[i] = previousLast < 0 ? -1.0 : ScaledSigmoid(Math.Abs(previousLast - i) / Math.Max(previousWidth - 1, 1));
                window[i] = Outside;
            }

            if (i < probation)
            {
                window[i] = Probation;
            }
        }

        return new NabFileLayout(key, rows, probation, windows.Count, sigmoid, window);
    }

    private static int LowerBound(ReadOnlySpan<long> sorted, long value)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (sorted[mid] < value)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
