using System.Globalization;
using System.Text.RegularExpressions;

namespace Analytics.Dashboards.Tests.Grafana;

/// <summary>
/// Expands the SQL macros of the ClickHouse datasource plugin (grafana-clickhouse-datasource v4) for one
/// time range and interval, producing the text its Go backend produces. The definitions are in
/// grafana/clickhouse-datasource, pkg/macros/macros.go (the <c>Macros</c> map); arguments are split on
/// commas and trimmed, as grafana/sqlds (macros.go, <c>interpolate</c>) does before calling them.
/// Stricter than sqlds in one way: sqlds hands a bare <c>$__timeFilter</c> one empty argument and
/// builds broken SQL, where this throws, so that a dashboard mistake fails with a clear message.
/// </summary>
internal sealed partial class MacroExpander
{
    private readonly DateTimeOffset _from;
    private readonly DateTimeOffset _to;
    private readonly TimeSpan _interval;

    public MacroExpander(DateTimeOffset from, DateTimeOffset to, TimeSpan interval)
    {
        _from = from.ToUniversalTime();
        _to = to.ToUniversalTime();
        _interval = interval;
    }

    // Arguments may not contain parentheses: none of this project's dashboards need them.
    [GeneratedRegex(@"\$__(\w+)(?:\(([^()]*)\))?")]
    private static partial Regex Macro();

    public string Expand(string sql) => Macro().Replace(sql, m => ExpandOne(
        m.Groups[1].Value,
        m.Groups[2].Success ? m.Groups[2].Value.Split(',').Select(a => a.Trim()).ToArray() : []));

    private string ExpandOne(string name, string[] args) => name switch
    {
        "fromTime" => DateTime(_from),
        "toTime" => DateTime(_to),
        "fromTime_ms" => DateTime64(_from),
        "toTime_ms" => DateTime64(_to),
        "timeFilter" => Between(Arg(name, args, 0), DateTime(_from), DateTime(_to)),
        "timeFilter_ms" => Between(Arg(name, args, 0), DateTime64(_from), DateTime64(_to)),
        "dateFilter" => Between(Arg(name, args, 0), Date(_from), Date(_to)),
        "dateTimeFilter" or "dt" => DateTimeFilter(name, args),
        "timeInterval" => $"toStartOfInterval(toDateTime({Arg(name, args, 0)}), INTERVAL {Seconds()} second)",
        "timeInterval_ms" => $"toStartOfInterval(toDateTime64({Arg(name, args, 0)}, 3), INTERVAL {Milliseconds()} millisecond)",
        "interval_s" => Seconds().ToString(CultureInfo.InvariantCulture),
        _ => throw new ArgumentException($"$__{name} is not a macro of the ClickHouse plugin"),
    };

    private string DateTimeFilter(string name, string[] args)
    {
        Count(name, args, 2);
        return $"({Between(args[0], Date(_from), Date(_to))}) AND ({Between(args[1], DateTime(_from), DateTime(_to))})";
    }

    private static string Between(string column, string from, string to) => $"{column} >= {from} AND {column} <= {to}";

    private static string Arg(string name, string[] args, int index)
    {
        Count(name, args, 1);
        return args[index];
    }

    // The plugin rejects a wrong argument count rather than guessing.
    private static void Count(string name, string[] args, int expected)
    {
        if (args.Length != expected)
        {
            throw new ArgumentException($"$__{name}: expected {expected} argument(s), received {args.Length}");
        }
    }

    // Go's int(math.Max(x, 1)): at least 1, fractions truncated.
    private long Seconds() => (long)Math.Max(_interval.TotalSeconds, 1);

    private long Milliseconds() => (long)Math.Max(Math.Floor(_interval.TotalMilliseconds), 1);

    private static string DateTime(DateTimeOffset t) => $"toDateTime({t.ToUnixTimeSeconds()})";

    private static string DateTime64(DateTimeOffset t) => $"fromUnixTimestamp64Milli({t.ToUnixTimeMilliseconds()})";

    private static string Date(DateTimeOffset t) => $"toDate('{t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}')";
}
