using Analytics.Dashboards.Tests.Grafana;

namespace Analytics.Dashboards.Tests;

/// <summary>
/// Each macro against the text grafana/clickhouse-datasource pkg/macros/macros.go builds for it
/// (the format strings there, applied by hand to this range).
/// </summary>
public sealed class MacroExpanderTests
{
    // 2026-11-28 19:00:00.250 UTC to 20:00:00.750 UTC; Unix seconds 1795892400 and 1795896000.
    private static readonly DateTimeOffset From = new(2026, 11, 28, 19, 0, 0, 250, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2026, 11, 28, 20, 0, 0, 750, TimeSpan.Zero);

    private static readonly MacroExpander Expander = new(From, To, TimeSpan.FromSeconds(10));

    [Theory]
    [InlineData("$__fromTime", "toDateTime(1795892400)")]
    [InlineData("$__toTime", "toDateTime(1795896000)")]
    [InlineData("$__fromTime_ms", "fromUnixTimestamp64Milli(1795892400250)")]
    [InlineData("$__toTime_ms", "fromUnixTimestamp64Milli(1795896000750)")]
    [InlineData("$__timeFilter(window_start)", "window_start >= toDateTime(1795892400) AND window_start <= toDateTime(1795896000)")]
    [InlineData("$__timeFilter_ms(t)", "t >= fromUnixTimestamp64Milli(1795892400250) AND t <= fromUnixTimestamp64Milli(1795896000750)")]
    [InlineData("$__dateFilter(d)", "d >= toDate('2026-11-28') AND d <= toDate('2026-11-28')")]
    [InlineData("$__dateTimeFilter(d, t)", "(d >= toDate('2026-11-28') AND d <= toDate('2026-11-28')) AND (t >= toDateTime(1795892400) AND t <= toDateTime(1795896000))")]
    [InlineData("$__dt(d,t)", "(d >= toDate('2026-11-28') AND d <= toDate('2026-11-28')) AND (t >= toDateTime(1795892400) AND t <= toDateTime(1795896000))")]
    [InlineData("$__timeInterval(window_start)", "toStartOfInterval(toDateTime(window_start), INTERVAL 10 second)")]
    [InlineData("$__timeInterval_ms(t)", "toStartOfInterval(toDateTime64(t, 3), INTERVAL 10000 millisecond)")]
    [InlineData("$__interval_s", "10")]
    public void Each_macro_expands_as_the_plugin_source_does(string macro, string expected)
        => Assert.Equal(expected, Expander.Expand(macro));

    [Fact]
    public void Macros_inside_a_query_expand_and_the_rest_is_left_alone()
        => Assert.Equal(
            "SELECT toStartOfInterval(toDateTime(w), INTERVAL 10 second) AS t FROM v WHERE w >= toDateTime(1795892400) AND w <= toDateTime(1795896000) AND r IN (${region:singlequote})",
            Expander.Expand("SELECT $__timeInterval(w) AS t FROM v WHERE $__timeFilter(w) AND r IN (${region:singlequote})"));

    [Theory]
    [InlineData(0.0004, "1", "1")]
    [InlineData(0.2, "1", "200")]
    [InlineData(1.9, "1", "1900")]
    [InlineData(60, "60", "60000")]
    public void Intervals_are_whole_units_and_at_least_one(double seconds, string intervalS, string intervalMs)
    {
        var expander = new MacroExpander(From, To, TimeSpan.FromSeconds(seconds));
        Assert.Equal(intervalS, expander.Expand("$__interval_s"));
        Assert.Equal($"toStartOfInterval(toDateTime64(t, 3), INTERVAL {intervalMs} millisecond)", expander.Expand("$__timeInterval_ms(t)"));
    }

    [Theory]
    [InlineData("$__timeFilter")]
    [InlineData("$__timeFilter(a, b)")]
    [InlineData("$__dateTimeFilter(d)")]
    [InlineData("$__timeIntervall(t)")]
    public void Wrong_argument_counts_and_unknown_macros_are_rejected(string sql)
        => Assert.Throws<ArgumentException>(() => Expander.Expand(sql));
}
