namespace Analytics.Alerts.Evaluation;

/// <summary>
/// Which windows are due: for each window size the rules use, the windows that end at or before the
/// group's final boundary and were not judged yet, oldest first (across sizes, by end time). What
/// was judged is part of the evaluator's checkpoint, so a restart judges no window twice.
/// </summary>
internal sealed class WindowSchedule
{
    private readonly long[] _sizes;
    private readonly Dictionary<long, long> _next = [];
    private long _notBefore = long.MinValue;
    private long _until = long.MaxValue;

    public WindowSchedule(IEnumerable<long> sizesMs) => _sizes = [.. sizesMs.Distinct().Order()];

    public IReadOnlyList<long> Sizes => _sizes;

    /// <summary>The next window start to judge, per size; empty until the first boundary is seen.</summary>
    public IReadOnlyDictionary<long, long> Next => _next;

    /// <summary>
    /// Windows due for a final boundary, in the order to judge them. Starting from nothing, or from
    /// further back than <paramref name="maxCatchUpMs"/> (alerting was down for long), it starts
    /// <paramref name="lookbackMs"/> before the boundary.
    /// </summary>
    public IReadOnlyList<(long SizeMs, long StartMs)> Due(long finalThroughMs, long lookbackMs, long maxCatchUpMs = long.MaxValue / 4)
    {
        var due = new List<(long, long)>();
        foreach (var size in _sizes)
        {
            if (!_next.TryGetValue(size, out var next) || next < finalThroughMs - maxCatchUpMs)
            {
                // Fixed at the first boundary seen: recomputing it each poll would chase the boundary for ever.
                _next[size] = next = _notBefore == long.MinValue ? Floor(finalThroughMs - lookbackMs, size) : Floor(_notBefore + size - 1, size);
            }

            if (next < _notBefore)
            {
                _next[size] = next = Floor(_notBefore + size - 1, size);
            }

            for (var start = next; start + size <= Math.Min(finalThroughMs, _until); start += size)
            {
                due.Add((size, start));
            }
        }

        return [.. due.OrderBy(d => d.Item2 + d.Item1).ThenBy(d => d.Item1)];
    }

    /// <summary>Starts at this event time (instead of the lookback), and judges no window before it whatever was restored: a backtest or demo skips the simulator's warm-up.</summary>
    public void StartAt(long startMs) => _notBefore = startMs;

    /// <summary>Judges no window ending after this: a backtest's data ends there, and empty windows after it are not an outage.</summary>
    public void StopAt(long endMs) => _until = endMs;

    /// <summary>Records a window as judged.</summary>
    public void Judged(long sizeMs, long startMs) => _next[sizeMs] = Math.Max(_next.GetValueOrDefault(sizeMs, long.MinValue), startMs + sizeMs);

    public string Save() => string.Join(';', _next.OrderBy(n => n.Key).Select(n => FormattableString.Invariant($"{n.Key}:{n.Value}")));

    public void Restore(string saved)
    {
        _next.Clear();
        foreach (var part in saved.Split(';', StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            _next[long.Parse(part.AsSpan(0, colon), System.Globalization.CultureInfo.InvariantCulture)] = long.Parse(part.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static long Floor(long ms, long size) => ms >= 0 ? ms / size * size : ((ms - size + 1) / size) * size;
}
