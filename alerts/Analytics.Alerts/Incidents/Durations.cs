using System.Globalization;

namespace Analytics.Alerts.Incidents;

/// <summary>Durations as operators type them: <c>90s</c>, <c>30m</c>, <c>2h</c>, <c>1d</c>.</summary>
internal static class Durations
{
    public static TimeSpan Parse(string text)
    {
        var t = text.Trim();
        if (t.Length >= 2 && double.TryParse(t[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var n) && n > 0 && double.IsFinite(n))
        {
            TimeSpan? parsed = t[^1] switch
            {
                's' => TimeSpan.FromSeconds(n),
                'm' => TimeSpan.FromMinutes(n),
                'h' => TimeSpan.FromHours(n),
                'd' => TimeSpan.FromDays(n),
                _ => null,
            };
            if (parsed is { } duration)
            {
                return duration;
            }
        }

        throw new SilenceFormatException(text, "is not a duration (expected a positive number and s, m, h or d, e.g. 2h)");
    }

    public static string Format(TimeSpan d)
        => d.TotalDays >= 1 && d.TotalDays == Math.Floor(d.TotalDays) ? $"{d.TotalDays:0}d"
            : d.TotalHours >= 1 && d.TotalHours == Math.Floor(d.TotalHours) ? $"{d.TotalHours:0}h"
            : d.TotalMinutes >= 1 && d.TotalMinutes == Math.Floor(d.TotalMinutes) ? $"{d.TotalMinutes:0}m"
            : $"{d.TotalSeconds:0}s";
}
