namespace Analytics.Processors.Windows;

/// <summary>Event-time arithmetic in milliseconds since the Unix epoch.</summary>
internal static class EventTime
{
    /// <summary>The start of the tumbling window of <paramref name="sizeMs"/> that contains <paramref name="t"/>.</summary>
    public static long Floor(long t, long sizeMs)
    {
        var r = t % sizeMs;
        return r < 0 ? t - r - sizeMs : t - r;
    }

    /// <summary>The first multiple of <paramref name="sizeMs"/> at or after <paramref name="t"/>.</summary>
    public static long Ceiling(long t, long sizeMs)
    {
        var f = Floor(t, sizeMs);
        return f == t ? t : f + sizeMs;
    }

    public static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return Math.Abs(a);
    }

    public static string Format(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).ToString("yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
}
