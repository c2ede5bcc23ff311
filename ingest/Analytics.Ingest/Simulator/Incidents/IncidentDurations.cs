using System.Globalization;

namespace Analytics.Ingest.Simulator.Incidents;

/// <summary>Offsets as written in incident specs: "0", "500ms", "30s", "2m", "1h30m".</summary>
internal static class IncidentDurations
{
    public const string Examples = "30s, 2m or 1h30m";

    public static bool TryParse(string text, out long ms)
    {
        ms = 0;
        text = text.Trim();
        if (text == "0")
        {
            return true;
        }

        var rest = text.AsSpan();
        var lastUnit = long.MaxValue;
        double total = 0;
        while (!rest.IsEmpty)
        {
            var digits = 0;
            while (digits < rest.Length && (char.IsAsciiDigit(rest[digits]) || rest[digits] == '.'))
            {
                digits++;
            }

            var letters = 0;
            while (digits + letters < rest.Length && char.IsAsciiLetter(rest[digits + letters]))
            {
                letters++;
            }

            // Largest unit first, as people write them; "2m30" or "30s2m" is a typo, not a duration.
            if (digits == 0
                || !double.TryParse(rest[..digits], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)
                || Unit(rest.Slice(digits, letters)) is not { } unit
                || unit >= lastUnit)
            {
                return false;
            }

            total += n * unit;
            lastUnit = unit;
            rest = rest[(digits + letters)..];
        }

        ms = (long)Math.Round(total);
        return lastUnit != long.MaxValue;
    }

    public static string Format(long ms) => ms switch
    {
        0 => "0",
        _ when ms % 3_600_000 == 0 => $"{ms / 3_600_000}h",
        _ when ms % 60_000 == 0 => $"{ms / 60_000}m",
        _ when ms % 1_000 == 0 => $"{ms / 1_000}s",
        _ => $"{ms}ms",
    };

    private static long? Unit(ReadOnlySpan<char> unit) => unit switch
    {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        _ => null,
    };
}
