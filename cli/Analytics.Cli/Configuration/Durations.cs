using System.Globalization;

namespace Analytics.Cli.Configuration;

/// <summary>Durations as people write them: "500ms", "10s", "2m", "1h", "1d", or a .NET TimeSpan ("00:00:10").</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        text = text.Trim();
        value = default;
        var units = new (string Suffix, double Ms)[] { ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000) };
        foreach (var (suffix, ms) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && !(suffix == "s" && text.EndsWith("ms", StringComparison.OrdinalIgnoreCase))
                && double.TryParse(text.AsSpan(0, text.Length - suffix.Length), NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
                && n >= 0)
            {
                value = TimeSpan.FromMilliseconds(n * ms);
                return true;
            }
        }

        // A bare number would read as days: require a unit, or the hh:mm:ss form.
        return text.Contains(':', StringComparison.Ordinal) && TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
    }

    public static TimeSpan Parse(string text, string what) => TryParse(text, out var value)
        ? value
        : throw new FormatException($"{what}: \"{text}\" is not a duration; write it like 500ms, 10s, 2m or 1h");

    public static string Format(TimeSpan t) => Processors.Windows.WindowSizes.Label((long)t.TotalMilliseconds);
}
