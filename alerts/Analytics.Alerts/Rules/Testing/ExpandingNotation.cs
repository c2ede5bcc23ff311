using System.Globalization;
using System.Text.RegularExpressions;

namespace Analytics.Alerts.Rules.Testing;

/// <summary>
/// promtool's series notation, one value per window: <c>5</c>, <c>_</c> (no data), <c>axN</c> (a, N times),
/// <c>a+bxN</c> / <c>a-bxN</c> (N values from a, stepping by b), <c>_xN</c>. Unlike promtool, <c>xN</c>
/// yields exactly N values, so <c>"2x3 100x7"</c> is 10 windows.
/// </summary>
internal static partial class ExpandingNotation
{
    public static bool TryExpand(string text, out List<double?> values, out string error)
    {
        values = [];
        error = "";
        foreach (var token in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var m = Token().Match(token);
            if (!m.Success)
            {
                error = $"\"{token}\" is not a value, _, axN or a+bxN";
                return false;
            }

            var times = m.Groups["n"].Success ? int.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture) : 1;
            if (times is < 1 or > 100_000 || values.Count + times > 1_000_000)
            {
                error = $"\"{token}\" repeats {times} times; use 1 to 100000";
                return false;
            }

            if (m.Groups["missing"].Success)
            {
                values.AddRange(Enumerable.Repeat<double?>(null, times));
                continue;
            }

            var start = double.Parse(m.Groups["a"].Value, NumberStyles.Float, CultureInfo.InvariantCulture);
            var step = m.Groups["b"].Success ? double.Parse(m.Groups["b"].Value, NumberStyles.Float, CultureInfo.InvariantCulture) : 0;
            if (m.Groups["sign"].Value == "-")
            {
                step = -step;
            }

            for (var i = 0; i < times; i++)
            {
                values.Add(start + (i * step));
            }
        }

        return true;
    }

    [GeneratedRegex(@"^(?:(?<missing>_)|(?<a>-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)(?:(?<sign>[+-])(?<b>\d+(?:\.\d+)?))?)(?:x(?<n>\d+))?$")]
    private static partial Regex Token();
}
