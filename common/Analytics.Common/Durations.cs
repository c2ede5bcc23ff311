using System.Globalization;

namespace Analytics.Common;

/// <summary>
/// Durations as people write them, everywhere one is typed (settings, rules, incident specs,
/// silences): "500ms", "10s", "2m", "4m30s", "1h", "7d", a .NET TimeSpan ("00:00:10"), or "0".
/// </summary>
public static class Durations
{
    /// <summary>How to write one, for error messages.</summary>
    public const string Examples = "500ms, 10s, 2m or 4m30s";

    public static bool TryParse(string text, out TimeSpan value)
    {
        text = text.Trim();
        value = default;
        if (text == "0")
        {
            return true;
        }

        // A bare number would read as days: require a unit, or the hh:mm:ss form.
        if (text.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out value);
        }

        // One or more number-unit pairs, largest unit first as people write them: "90s", "4m30s", "1h 15m".
        var total = 0.0;
        var lastUnitMs = double.MaxValue;
        var rest = text.AsSpan();
        while (!rest.IsEmpty)
        {
            var numberLength = 0;
            while (numberLength < rest.Length && (char.IsAsciiDigit(rest[numberLength]) || rest[numberLength] == '.'))
            {
                numberLength++;
            }

            var unitLength = 0;
            while (numberLength + unitLength < rest.Length && char.IsAsciiLetter(rest[numberLength + unitLength]))
            {
                unitLength++;
            }

            if (numberLength == 0
                || !double.TryParse(rest[..numberLength], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var n)
                || UnitMs(rest.Slice(numberLength, unitLength)) is not { } unitMs
                || unitMs >= lastUnitMs)
            {
                return false;
            }

            total += n * unitMs;
            lastUnitMs = unitMs;
            rest = rest[(numberLength + unitLength)..].TrimStart();
        }

        if (lastUnitMs == double.MaxValue || !double.IsFinite(total) || total > TimeSpan.MaxValue.TotalMilliseconds)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(Math.Round(total));
        return true;
    }

    /// <summary>The same, in whole milliseconds.</summary>
    public static bool TryParseMs(string text, out long ms)
    {
        var ok = TryParse(text, out TimeSpan value);
        ms = ok ? (long)value.TotalMilliseconds : 0;
        return ok;
    }

    public static TimeSpan Parse(string text, string what) => TryParse(text, out TimeSpan value)
        ? value
        : throw new FormatException($"{what}: \"{text}\" is not a duration; write it like {Examples}");

    /// <summary>The shortest way to write it in one unit: "10s", "1m", "2h", "7d", "1500ms", "0s".</summary>
    public static string Format(long ms) => ms switch
    {
        0 => "0s",
        _ when ms % 86_400_000 == 0 => FormattableString.Invariant($"{ms / 86_400_000}d"),
        _ when ms % 3_600_000 == 0 => FormattableString.Invariant($"{ms / 3_600_000}h"),
        _ when ms % 60_000 == 0 => FormattableString.Invariant($"{ms / 60_000}m"),
        _ when ms % 1_000 == 0 => FormattableString.Invariant($"{ms / 1_000}s"),
        _ => FormattableString.Invariant($"{ms}ms"),
    };

    public static string Format(TimeSpan t) => Format((long)t.TotalMilliseconds);

    private static double? UnitMs(ReadOnlySpan<char> unit) => unit.ToString().ToLowerInvariant() switch
    {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => null,
    };
}
