using Analytics.Alerts.Rules;

namespace Analytics.Alerts.Tests.Rules;

/// <summary>Rule file mistakes are reported as file:line:col at the node they are about, with a way forward.</summary>
public sealed class RuleParserTests
{
    // OneRule puts the rule's first line on line 5 and the next ones on 6, 7, …, all at column 9.
    private const string Valid = "name: R\nmetric: vsf_rate\ncondition: {threshold: {above: 0.1}}\nseverity: P1";

    private static RuleProblem Single(string text)
    {
        var (_, problems) = RuleFiles.Parse(text);
        return Assert.Single(problems);
    }

    [Fact]
    public void A_valid_rule_parses_with_its_position()
    {
        var (set, problems) = RuleFiles.Parse(RuleFiles.OneRule(Valid));

        Assert.Empty(problems);
        var rule = Assert.Single(set.Rules);
        Assert.Equal(("rules.yaml", 5, 9), (rule.Position.File, rule.Position.Line, rule.Position.Column));
        Assert.Equal(new ThresholdCondition(true, 0.1, 0.1, 1), rule.Condition);
    }

    [Fact]
    public void An_unknown_metric_points_at_it_and_suggests_the_nearest()
    {
        var p = Single(RuleFiles.OneRule(Valid.Replace("metric: vsf_rate", "metric: vsf_rat", StringComparison.Ordinal)));

        Assert.Equal("rules.yaml:6:17: error: unknown metric \"vsf_rat\"; did you mean \"vsf_rate\"? (see docs/metrics.md)", p.ToString());
    }

    [Fact]
    public void An_unknown_key_points_at_the_key()
    {
        var p = Single(RuleFiles.OneRule(Valid.Replace("severity", "severity: P1\nseverty", StringComparison.Ordinal)));

        Assert.Equal((9, 9), (p.Line, p.Column));
        Assert.StartsWith("unknown key \"severty\" in a rule; did you mean \"severity\"?", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_dimension_points_at_the_list_item()
    {
        var p = Single(RuleFiles.OneRule(Valid + "\nby: [cdn, popp]"));

        Assert.Equal((9, 19), (p.Line, p.Column));
        Assert.StartsWith("unknown dimension \"popp\"; did you mean \"pop\"?", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Dimensions_of_two_cubes_are_refused_with_the_cubes_listed()
    {
        var p = Single(RuleFiles.OneRule(Valid + "\nby: [pop, app_version]"));

        Assert.Equal((9, 13), (p.Line, p.Column));
        Assert.Contains("are not in one cube", p.Message, StringComparison.Ordinal);
        Assert.Contains("client: region, country, device_type, os, app_version", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ten_second_windows_only_exist_for_delivery_dimensions()
    {
        var p = Single(RuleFiles.OneRule(Valid + "\nby: [app_version]", window: "10s"));

        Assert.Equal(9, p.Line);
        Assert.Contains("put this rule in a 1m group", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_severity_lists_the_meanings()
    {
        var p = Single(RuleFiles.OneRule(Valid.Replace("P1", "P5", StringComparison.Ordinal)));

        Assert.Equal("rules.yaml:8:19: error: severity \"P5\" is not one of P0 (service down), P1 (degradation), P2 (capacity), P3 (maintenance)", p.ToString());
    }

    [Theory]
    [InlineData("90s")]
    [InlineData("0")]
    [InlineData("soon")]
    public void A_for_that_is_not_whole_windows_is_refused(string value)
    {
        var p = Single(RuleFiles.OneRule(Valid.Replace("above: 0.1", $"above: 0.1, for: {value}", StringComparison.Ordinal)));

        Assert.Equal(7, p.Line);
        Assert.Contains($"for \"{value}\" is neither a number of windows", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_duration_for_counts_windows()
    {
        var (set, problems) = RuleFiles.Parse(RuleFiles.OneRule(Valid.Replace("above: 0.1", "above: 0.1, for: 3m", StringComparison.Ordinal)));

        Assert.Empty(problems);
        Assert.Equal(3, set.Rules[0].Condition.For);
    }

    [Fact]
    public void A_bad_window_is_refused()
    {
        var p = Single(RuleFiles.OneRule(Valid, window: "5m"));

        Assert.Equal("rules.yaml:3:13: error: window \"5m\" has no tables; use 10s or 1m", p.ToString());
    }

    [Theory]
    [InlineData("{above: 0.1, clear_below: 0.2}", "clear_below 0.2 is on the breaching side of above 0.1")]
    [InlineData("{below: 0.8, clear_above: 0.7}", "clear_above 0.7 is on the breaching side of below 0.8")]
    [InlineData("{above: 0.1, clear_above: 0.05}", "clear_above does not go with above: use clear_below")]
    [InlineData("{above: 0.1, below: 0.05}", "a threshold has exactly one of above or below")]
    public void A_clear_level_on_the_wrong_side_is_refused(string threshold, string message)
    {
        var p = Single(RuleFiles.OneRule(Valid.Replace("{above: 0.1}", threshold, StringComparison.Ordinal)));

        Assert.Equal(7, p.Line);
        Assert.Contains(message, p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_placeholder_is_an_error_at_the_annotation()
    {
        var p = Single(RuleFiles.OneRule(Valid + "\nby: [cdn]\nannotations: {summary: \"{{ value | percent }} on {{ pop }}\"}"));

        Assert.Equal((10, 32), (p.Line, p.Column));
        Assert.Contains("unknown placeholder {{ pop }}", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_filter_is_an_error()
    {
        var p = Single(RuleFiles.OneRule(Valid + "\nannotations: {summary: \"{{ value | percnt }}\"}"));

        Assert.Contains("unknown filter \"percnt\"", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_rate_detector_needs_a_proportion()
    {
        var p = Single(RuleFiles.OneRule(Valid.Replace("vsf_rate", "start_time_p95_ms", StringComparison.Ordinal)
            .Replace("{threshold: {above: 0.1}}", "{anomaly: {detector: rate, score_above: 0.99}}", StringComparison.Ordinal)));

        Assert.Contains("start_time_p95_ms is not one; use a value detector", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Absence_takes_min_baseline_not_min_volume()
    {
        var p = Single(RuleFiles.OneRule(Valid.Replace("{threshold: {above: 0.1}}", "{absence: {min_baseline: 100}}", StringComparison.Ordinal) + "\nmin_volume: 10"));

        Assert.Equal((9, 21), (p.Line, p.Column));
        Assert.Contains("set min_baseline in the condition", p.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_condition_kind_parses_with_its_defaults()
    {
        string Rule(string condition) => Valid.Replace("{threshold: {above: 0.1}}", condition, StringComparison.Ordinal);
        var (set, problems) = RuleSet.Parse(
        [
            ("a.yaml", RuleFiles.OneRule(Rule("{week_over_week: {rise_by: 50%, for: 2}}"))),
            ("b.yaml", RuleFiles.OneRule(Rule("{anomaly: {score_above: 0.99}}").Replace("name: R", "name: S", StringComparison.Ordinal))),
            ("c.yaml", RuleFiles.OneRule(Rule("{absence: {min_baseline: 200}}").Replace("name: R", "name: T", StringComparison.Ordinal))),
        ]);

        Assert.Empty(problems);
        Assert.Equal(new WeekOverWeekCondition(false, 0.5, 0.5, 2), set.Rules[0].Condition);
        Assert.Equal(new AnomalyCondition("rate", 0.99, 0.99, 1), set.Rules[1].Condition);
        Assert.Equal(new AbsenceCondition(200, 0.1, 0.5, 1), set.Rules[2].Condition);
    }

    [Fact]
    public void A_rule_name_used_twice_is_an_error_naming_the_first()
    {
        var (_, problems) = RuleSet.Parse([("a.yaml", RuleFiles.OneRule(Valid)), ("b.yaml", RuleFiles.OneRule(Valid + "\nby: [cdn]"))]);

        var p = Assert.Single(problems);
        Assert.Equal("b.yaml:5:9: error: rule name R is already used at a.yaml:5; alert names must be unique", p.ToString());
    }

    [Fact]
    public void Overlapping_rules_are_a_warning_naming_both()
    {
        var second = Valid.Replace("name: R", "name: S", StringComparison.Ordinal).Replace("0.1", "0.2", StringComparison.Ordinal);
        var (set, problems) = RuleSet.Parse([("a.yaml", RuleFiles.OneRule(Valid + "\nwhere: {cdn: oca}")), ("b.yaml", RuleFiles.OneRule(second))]);

        var p = Assert.Single(problems);
        Assert.False(p.IsError);
        Assert.Contains("rules R (a.yaml:5) and S (b.yaml:5) both judge vsf_rate globally with a threshold", p.Message, StringComparison.Ordinal);
        Assert.Equal(2, set.Rules.Count);
    }

    [Fact]
    public void Disjoint_where_filters_do_not_overlap()
    {
        var second = Valid.Replace("name: R", "name: S", StringComparison.Ordinal) + "\nwhere: {cdn: akamai}";
        var (_, problems) = RuleSet.Parse([("a.yaml", RuleFiles.OneRule(Valid + "\nwhere: {cdn: oca}")), ("b.yaml", RuleFiles.OneRule(second))]);

        Assert.Empty(problems);
    }

    [Fact]
    public void Text_that_is_not_yaml_is_one_error_with_its_position()
    {
        var p = Single("groups:\n  - name: g\n    window: [1m\n");

        Assert.True(p.IsError);
        Assert.StartsWith("not valid YAML", p.Message, StringComparison.Ordinal);
        Assert.True(p.Line >= 3, p.ToString());
    }

    [Fact]
    public void Load_throws_with_every_error_and_a_first_line_to_show()
    {
        var dir = Directory.CreateTempSubdirectory("rules-").FullName;
        try
        {
            var file = Path.Combine(dir, "bad.yaml");
            File.WriteAllText(file, RuleFiles.OneRule(Valid.Replace("P1", "P9", StringComparison.Ordinal).Replace("vsf_rate", "vsf", StringComparison.Ordinal)));

            var ex = Assert.Throws<RuleFileException>(() => RuleSet.Load([file]));

            Assert.Equal(2, ex.Problems.Count);
            Assert.StartsWith($"{file}:6:17: error: unknown metric", ex.Message, StringComparison.Ordinal);
            Assert.EndsWith("(and 1 more; run analytics rules check)", ex.Message, StringComparison.Ordinal);
            Assert.False(ex.IsTransient);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void A_missing_file_is_an_error_not_a_crash()
    {
        var (set, problems) = RuleSet.Check(["/nonexistent/rules.yaml"]);

        Assert.Empty(set.Rules);
        Assert.Contains("cannot read the rule file", Assert.Single(problems).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_set_lists_its_windows_and_by_sets()
    {
        var set = RuleSet.Load([RuleFiles.Pack]);

        Assert.Equal([60_000L], set.WindowSizesMs);
        Assert.Contains(set.BySets, b => b.By.SequenceEqual(["cdn", "pop"]));
        Assert.Contains(set.BySets, b => b.By.Count == 0);
        Assert.Equal(set.BySets.Count, set.BySets.Select(b => string.Join(',', b.By)).Distinct().Count());
    }
}
