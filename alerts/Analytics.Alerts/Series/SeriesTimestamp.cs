namespace Analytics.Alerts.Series;

/// <summary>
/// Parses the timestamps series files use into Unix milliseconds, by hand: it runs once per row on
/// files of millions of rows, and DateTime.TryParse accepts far more than these forms (and allocates).
/// </summary>
internal static class SeriesTimestamp
{
    /// <summary>The forms accepted, as error messages name them.</summary>
    public const string Expected = "expected yyyy-MM-dd HH:mm:ss, ISO 8601 or epoch milliseconds";

    private static readonly long MaxMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>
    /// <c>yyyy-MM-dd HH:mm:ss[.fff…]</c>; ISO 8601 <c>yyyy-MM-ddTHH:mm[:ss[.fff…]]</c> with <c>Z</c>, an
    /// offset (<c>±HH:mm</c>, <c>±HHmm</c>, <c>±HH</c>) or neither (UTC); <c>yyyy-MM-dd</c> (midnight UTC);
    /// or epoch milliseconds (digits only). Fractions below a millisecond are dropped, which keeps order.
    /// </summary>
    public static bool TryParse(ReadOnlySpan<char> s, out long unixMs)
    {
        unixMs = 0;
        if (s.IsEmpty)
        {
            return false;
        }

        if (!s.ContainsAnyExceptInRange('0', '9'))
        {
            // 15 digits already pass year 9999; longer would only overflow.
            return s.Length <= 15 && long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out unixMs) && unixMs <= MaxMs;
        }

        if (s.Length < 10 || !Digits(s, 0, 4, out var year) || s[4] != '-' || !Digits(s, 5, 2, out var month) || s[7] != '-' || !Digits(s, 8, 2, out var day)
            || year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        var ms = (new DateTime(year, month, day).Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerMillisecond;
        if (s.Length == 10)
        {
            unixMs = ms;
            return true;
        }

        if (s[10] is not ('T' or 't' or ' ') || s.Length < 16 || !Digits(s, 11, 2, out var hour) || s[13] != ':' || !Digits(s, 14, 2, out var minute) || hour > 23 || minute > 59)
        {
            return false;
        }

        var i = 16;
        var second = 0;
        if (i < s.Length && s[i] == ':')
        {
            if (!Digits(s, i + 1, 2, out second) || second > 59)
            {
                return false;
            }

            i += 3;
        }

        var fraction = 0;
        if (i < s.Length && s[i] == '.')
        {
            var start = ++i;
            for (; i < s.Length && char.IsAsciiDigit(s[i]); i++)
            {
                if (i - start < 3)
                {
                    fraction = (fraction * 10) + (s[i] - '0');
                }
            }

            if (i == start)
            {
                return false;
            }

            // ".5" is 500 ms: scale the digits read to three.
            for (var d = i - start; d < 3; d++)
            {
                fraction *= 10;
            }
        }

        if (!TryOffset(s[i..], out var offsetMinutes))
        {
            return false;
        }

        unixMs = ms + (((hour * 60L) + minute - offsetMinutes) * 60_000) + (second * 1000L) + fraction;
        return true;
    }

    /// <summary>Nothing or <c>Z</c> is UTC; otherwise <c>±HH</c>, <c>±HHmm</c> or <c>±HH:mm</c>.</summary>
    private static bool TryOffset(ReadOnlySpan<char> zone, out int minutes)
    {
        minutes = 0;
        if (zone.IsEmpty || zone is "Z" or "z")
        {
            return true;
        }

        if (zone[0] is not ('+' or '-') || !Digits(zone, 1, 2, out var hours) || hours > 23)
        {
            return false;
        }

        var mm = 0;
        var ok = zone.Length switch
        {
            3 => true,
            5 => Digits(zone, 3, 2, out mm),
            6 => zone[3] == ':' && Digits(zone, 4, 2, out mm),
            _ => false,
        };
        minutes = (zone[0] == '-' ? -1 : 1) * ((hours * 60) + mm);
        return ok && mm <= 59;
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        if (start + count > s.Length)
        {
            return false;
        }

        for (var i = start; i < start + count; i++)
        {
            if (!char.IsAsciiDigit(s[i]))
            {
                return false;
            }

            value = (value * 10) + (s[i] - '0');
        }

        return true;
    }
}
