using System.Globalization;
using System.Text.RegularExpressions;

namespace Analytics.Alerts.Rules.Parsing;

/// <summary>Prometheus-style durations: <c>10s</c>, <c>1m</c>, <c>2h</c>, <c>7d</c>, or a sum such as <c>1h30m</c>.</summary>
internal static partial class Durations
{
    public static bool TryParse(string text, out long ms)
    {
        ms = 0;
        var match = Pattern().Match(text.Trim());
        if (!match.Success)
        {
            return false;
        }

        foreach (Capture part in match.Groups["part"].Captures)
        {
            var unit = part.Value[^1];
            if (!long.TryParse(part.Value[..^1], NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n > 1_000_000)
            {
                return false;
            }

            ms += n * unit switch
            {
                's' => 1000L,
                'm' => 60_000L,
                'h' => 3_600_000L,
                _ => 86_400_000L,
            };
        }

        return ms > 0;
    }

    public static string Format(long ms) => ms switch
    {
        _ when ms % 86_400_000 == 0 => $"{ms / 86_400_000}d",
        _ when ms % 3_600_000 == 0 => $"{ms / 3_600_000}h",
        _ when ms % 60_000 == 0 => $"{ms / 60_000}m",
        _ => $"{ms / 1000.0:0.###}s",
    };

    [GeneratedRegex(@"^(?<part>\d+[smhd])+$")]
    private static partial Regex Pattern();
}
