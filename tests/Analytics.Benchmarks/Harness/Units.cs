using System.Globalization;

namespace Analytics.Benchmarks.Harness;

/// <summary>Number formatting for reports: invariant culture, engineering-friendly units.</summary>
internal static class Units
{
    public static string Megabytes(long bytes) => bytes < 0 ? "n/a" : F($"{bytes / 1048576.0:F0} MiB");

    public static string Rate(double eventsPerSecond) => eventsPerSecond >= 1e6
        ? F($"{eventsPerSecond / 1e6:F2}M")
        : F($"{eventsPerSecond / 1e3:F0}k");

    public static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    public static string Seconds(double s) => F($"{s:F2} s");

    public static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
