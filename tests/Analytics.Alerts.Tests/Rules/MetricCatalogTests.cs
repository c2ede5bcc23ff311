using System.Text.RegularExpressions;
using Analytics.Alerts.Metrics;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Rules.Templates;
using Analytics.Alerts.Rules.Testing;
using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Tests.Rules;

/// <summary>The metric catalog against docs/metrics.md, cube choice, the fixture source's aggregation and the templater.</summary>
public sealed partial class MetricCatalogTests
{
    [Fact]
    public void Every_view_column_of_the_docs_is_a_metric()
    {
        var doc = File.ReadAllText(Path.Combine(RuleFiles.Root, "docs", "metrics.md"));
        var table = doc[doc.IndexOf("## Getting each metric in SQL", StringComparison.Ordinal)..doc.IndexOf("## Aggregating", StringComparison.Ordinal)];
        // The second cell of each row holds the view columns, e.g. `bytes`, `cache_hit_ratio`.
        var columns = ViewCell().Matches(table).SelectMany(m => Code().Matches(m.Groups[1].Value)).Select(m => m.Groups[1].Value)
            .Where(c => !c.StartsWith("peak_", StringComparison.Ordinal) && c != "errors_by_code").ToList();
        columns.AddRange(["start_time_p90_ms", "start_time_p95_ms", "errors", "fatal_errors"]);

        Assert.True(columns.Count > 15);
        Assert.All(columns, c => Assert.NotNull(MetricCatalog.Find(c)));
    }

    [Theory]
    [InlineData("vsf_rate", "attempts", true)]
    [InlineData("vpf_rate", "plays", true)]
    [InlineData("start_time_p95_ms", "plays", true)]
    [InlineData("rebuffering_ratio", "playing_minutes", true)]
    [InlineData("cache_hit_ratio", "bytes", false)]
    [InlineData("play_rate", "attempts", false)]
    [InlineData("attempts", "attempts", false)]
    public void Metrics_know_their_volume_and_bad_direction(string name, string volume, bool higherIsWorse)
    {
        var metric = MetricCatalog.Find(name);

        Assert.NotNull(metric);
        Assert.Equal((volume, higherIsWorse), (metric.VolumeColumn, metric.HigherIsWorse));
    }

    [Fact]
    public void Ratios_are_computed_from_sums_as_the_views_do()
    {
        var sums = new Dictionary<string, double> { ["rebuffer_ms"] = 3000, ["seek_rebuffer_ms"] = 1000, ["playing_ms"] = 97_000, ["rebuffers"] = 2, ["attempts"] = 0 };
        double? Column(string c) => sums.TryGetValue(c, out var v) ? v : null;

        Assert.Equal(0.03, MetricCatalog.Find("rebuffering_ratio")!.Ratio!.Value(Column)!.Value, 12);
        Assert.Equal(2000.0 / 99_000, MetricCatalog.Find("connection_induced_rebuffering_ratio")!.Ratio!.Value(Column)!.Value, 12);
        Assert.Equal(2 / (97_000 / 3_600_000.0), MetricCatalog.Find("rebuffers_per_hour")!.Ratio!.Value(Column)!.Value, 9);
        Assert.Null(MetricCatalog.Find("vsf_rate")!.Ratio!.Value(Column));
    }

    [Theory]
    [InlineData("cdn,pop", "delivery")]
    [InlineData("region", "content")]
    [InlineData("region,country", "client")]
    [InlineData("app_version", "client")]
    [InlineData("title_id", "content")]
    [InlineData("", "content")]
    [InlineData("pop,app_version", null)]
    public void The_smallest_cube_holding_every_dimension_answers(string by, string? cube)
        => Assert.Equal(cube, MetricCatalog.CubeFor(by.Split(',', StringSplitOptions.RemoveEmptyEntries))?.Name);

    [Fact]
    public void Ten_second_windows_only_come_from_delivery()
    {
        Assert.Equal("delivery", Cubes.CubeFor(["region"], Cubes.TenSecondsMs)?.Name);
        Assert.Null(Cubes.CubeFor(["os"], Cubes.TenSecondsMs));
    }

    [Theory]
    [InlineData("1 2 _ 4", "1,2,_,4")]
    [InlineData("2x3 100x2", "2,2,2,100,100")]
    [InlineData("1+2x3", "1,3,5")]
    [InlineData("10-1x3 _x2", "10,9,8,_,_")]
    public void The_expanding_notation_yields_one_value_per_window(string text, string expected)
    {
        Assert.True(ExpandingNotation.TryExpand(text, out var values, out _));
        Assert.Equal(expected, string.Join(",", values.Select(v => v?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "_")));
    }

    [Fact]
    public void Bad_notation_says_which_token()
    {
        Assert.False(ExpandingNotation.TryExpand("1 2 lots", out _, out var error));
        Assert.Contains("\"lots\"", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_fixture_source_sums_to_the_query_and_derives_ratios()
    {
        var series = new[]
        {
            Series("cdn=oca,pop=a", ("attempts", 100), ("video_start_failures", 10), ("start_time_p95_ms", 900)),
            Series("cdn=oca,pop=b", ("attempts", 300), ("video_start_failures", 30), ("start_time_p95_ms", 2000)),
            Series("cdn=akamai,pop=c", ("attempts", 50), ("video_start_failures", 0)),
        };
        var source = new FixtureSliceSource(60_000, series);

        var byCdn = await source.ReadAsync(new(["cdn"], 0, 60_000), null, CancellationToken.None);
        var byPop = await source.ReadAsync(new(["cdn", "pop"], 0, 60_000), Slice.Parse("cdn=oca"), CancellationToken.None);

        var oca = Assert.Single(byCdn, r => r.Slice.Equals(Slice.Parse("cdn=oca")));
        Assert.Equal((400.0, 0.1), (oca.Get("attempts"), oca.Get("vsf_rate")));
        Assert.Null(oca.Get("start_time_p95_ms")); // a percentile cannot be merged from percentiles
        Assert.Equal(2, byPop.Count);
        Assert.Equal(900, byPop.Single(r => r.Slice["pop"] == "a").Get("start_time_p95_ms"));
    }

    [Fact]
    public void Templates_render_with_filters_and_report_unknown_names()
    {
        var problems = new List<string>();
        var template = AnnotationTemplate.Parse("{{ value | percent }} / {{ baseline | ms }} / {{ volume | round }} / {{ threshold }} / {{ cdn }} / {{ pop }}", ["value", "baseline", "volume", "threshold", "cdn", "pop"], problems);
        var values = new TemplateValues("R", Severity.P1, "vsf_rate", Slice.Parse("cdn=oca,pop=x"), 0.1234, 12_500, 0.3, 1234.4, 0);

        Assert.Empty(problems);
        Assert.Equal("12.3 % / 12.5 s / 1,234 / 0.3 / oca / x", template.Render(values));
        AnnotationTemplate.Parse("{{ nope }} {{ value", ["value"], problems);
        Assert.Equal(2, problems.Count);
    }

    private static FixtureSeries Series(string slice, params (string Column, double Value)[] values)
        => new(Slice.Parse(slice), 0, values.ToDictionary(v => v.Column, v => (IReadOnlyList<double?>)[v.Value]));

    [GeneratedRegex(@"^\|[^|]+\|([^|]+)\|", RegexOptions.Multiline)]
    private static partial Regex ViewCell();

    [GeneratedRegex("`([a-z0-9_]+)`")]
    private static partial Regex Code();
}
