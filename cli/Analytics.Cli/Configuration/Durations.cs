using System.Globalization;

namespace Analytics.Cli.Configuration;

/// <summary>Durations as people write them: "500ms", "10s", "2m", "4m30s", "1h", "1d", or a .NET TimeSpan ("00:00:10").</summary>
internal static class Durations
{
    /// <summary>How to write one, for error messages.</summary>
    public const string Examples = "500ms, 10s, 2m or 4m30s";

    public static bool TryParse(string text, out TimeSpan value)
    {
        text = text.Trim();
        value = default;

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

        if (lastUnitMs == double.MaxValue)
        {
            return false;
        }

        value = TimeSpan.FromMilliseconds(total);
        return true;
    }

    public static TimeSpan Parse(string text, string what) => TryParse(text, out var value)
        ? value
        : throw new FormatException($"{what}: \"{text}\" is not a duration; write it like {Examples}");

    private static double? UnitMs(ReadOnlySpan<char> unit) => unit.ToString().ToLowerInvariant() switch
    {
        "ms" => 1,
        "s" => 1_000,
        "m" => 60_000,
        "h" => 3_600_000,
        "d" => 86_400_000,
        _ => null,
    };

    public static string Format(TimeSpan t) => Processors.Windows.WindowSizes.Label((long)t.TotalMilliseconds);
}
