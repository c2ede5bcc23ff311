namespace Analytics.Processors.Windows;

/// <summary>
/// The tumbling window sizes computed at once (e.g. 10 s for the NOC and 1 min for analysis) and
/// their pane: the greatest common divisor, at whose boundaries sessions are swept and windows fire.
/// </summary>
internal sealed class WindowSizes
{
    public WindowSizes(IReadOnlyList<TimeSpan> sizes)
    {
        if (sizes.Count is 0 or > MaxSizes)
        {
            throw new ArgumentException($"between 1 and {MaxSizes} window sizes are supported, got {sizes.Count}", nameof(sizes));
        }

        Sizes = sizes.Select(s => (long)s.TotalMilliseconds).Order().ToArray();
        PaneMs = Sizes.Aggregate(EventTime.Gcd);
        Labels = Sizes.Select(Label).ToArray();
    }

    /// <summary>At most this many sizes: each adds a window lookup per piece of every session.</summary>
    public const int MaxSizes = 4;

    public long[] Sizes { get; }

    public string[] Labels { get; }

    public long PaneMs { get; }

    public long LargestMs => Sizes[^1];

    public int Count => Sizes.Length;

    /// <summary>"10s", "1m", "1h": the suffix of the ClickHouse table holding windows of this size.</summary>
    public static string Label(long ms) => ms switch
    {
        0 => "0s",
        _ when ms % 86_400_000 == 0 => $"{ms / 86_400_000}d",
        _ when ms % 3_600_000 == 0 => $"{ms / 3_600_000}h",
        _ when ms % 60_000 == 0 => $"{ms / 60_000}m",
        _ when ms % 1_000 == 0 => $"{ms / 1_000}s",
        _ => $"{ms}ms",
    };
}
