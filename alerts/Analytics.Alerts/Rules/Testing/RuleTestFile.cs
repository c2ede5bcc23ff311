using System.Globalization;
using Analytics.Alerts.Rules.Parsing;
using Analytics.Alerts.Slices;
using Analytics.Common;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Rules.Testing;

/// <summary>An alert expected at a window: rule, slice and state, optionally severity and annotation texts.</summary>
internal sealed record ExpectedAlert(string Rule, Slice Slice, AlertState State, Severity? Severity, IReadOnlyDictionary<string, string> Annotations);

/// <summary>At window <see cref="At"/>, exactly these alerts (of <see cref="Rule"/> only, when given).</summary>
internal sealed record Expectation(int At, string? Rule, IReadOnlyList<ExpectedAlert> Alerts, SourcePosition Position);

internal sealed record RuleTestCase(string Name, IReadOnlyList<FixtureSeries> Series, IReadOnlyList<Expectation> Expectations, SourcePosition Position);

/// <summary>A rule test file in the spirit of <c>promtool test rules</c>: rule files, a window size, a start and test cases.</summary>
internal sealed record RuleTestFile(string File, IReadOnlyList<string> RuleFiles, long WindowMs, long StartMs, IReadOnlyList<RuleTestCase> Tests)
{
    /// <summary>Reads a test file; problems (with positions) go to <paramref name="problems"/> and the result is null on errors.</summary>
    public static RuleTestFile? Parse(string file, string text, List<RuleProblem> problems)
    {
        var yaml = new YamlContext(file);
        var result = Read(yaml, file, text);
        problems.AddRange(yaml.Problems);
        return yaml.HasErrors ? null : result;
    }

    private static RuleTestFile? Read(YamlContext yaml, string file, string text)
    {
        if (RuleFileParser.Load(yaml, text) is not { } root || yaml.Map(root, "a rule test file", "rule_files", "window", "start", "tests") is not { } e)
        {
            return null;
        }

        foreach (var key in new[] { "rule_files", "window", "start", "tests" }.Where(k => !e.ContainsKey(k)))
        {
            yaml.Error(root, $"a rule test file needs {key}:");
        }

        if (yaml.HasErrors)
        {
            return null;
        }

        var dir = Path.GetDirectoryName(Path.GetFullPath(file)) ?? ".";
        var ruleFiles = (yaml.Sequence(e["rule_files"], "rule_files") ?? []).Select(n => yaml.Text(n, "a rule file")).OfType<string>()
            .Select(f => Path.GetRelativePath(Environment.CurrentDirectory, Path.GetFullPath(Path.Combine(dir, f)))).ToList();
        long windowMs = 0;
        if (yaml.Text(e["window"], "window") is { } w && !Durations.TryParseMs(w, out windowMs))
        {
            yaml.Error(e["window"], $"window \"{w}\" is not a duration such as 1m");
        }

        long startMs = 0;
        if (yaml.Text(e["start"], "start") is { } s)
        {
            if (DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var start))
            {
                startMs = start.ToUnixTimeMilliseconds();
            }
            else
            {
                yaml.Error(e["start"], $"start \"{s}\" is not a time such as 2026-01-15T12:00:00Z");
            }
        }

        var tests = (yaml.Sequence(e["tests"], "tests") ?? []).Select(t => Test(yaml, t, startMs, windowMs)).OfType<RuleTestCase>().ToList();
        return new RuleTestFile(file, ruleFiles, windowMs, startMs, tests);
    }

    private static RuleTestCase? Test(YamlContext yaml, YamlNode node, long startMs, long windowMs)
    {
        if (yaml.Map(node, "a test", "name", "series", "expect") is not { } e)
        {
            return null;
        }

        var name = e.TryGetValue("name", out var n) ? yaml.Text(n, "name") : null;
        if (name is null || !e.ContainsKey("expect"))
        {
            yaml.Error(node, "a test needs a name: and an expect: list");
            return null;
        }

        var series = e.TryGetValue("series", out var sn) ? (yaml.Sequence(sn, "series") ?? []).Select(s => Series(yaml, s, startMs)).OfType<FixtureSeries>().ToList() : [];
        var expectations = (yaml.Sequence(e["expect"], "expect") ?? []).Select(x => Expect(yaml, x)).OfType<Expectation>().ToList();
        return windowMs > 0 ? new RuleTestCase(name, series, expectations, yaml.Position(node)) : null;
    }

    private static FixtureSeries? Series(YamlContext yaml, YamlNode node, long startMs)
    {
        if (yaml.Map(node, "a series", "slice", "values", "offset") is not { } e || !e.TryGetValue("values", out var valuesNode))
        {
            yaml.Error(node, "a series needs values: {column: \"notation\"}");
            return null;
        }

        var slice = e.TryGetValue("slice", out var s) ? new Slice(yaml.TextMap(s, "slice")) : Slice.Global;
        long offsetMs = 0;
        if (e.TryGetValue("offset", out var o) && yaml.Text(o, "offset") is { } text)
        {
            var negative = text.StartsWith('-');
            if (!Durations.TryParseMs(negative ? text[1..] : text, out offsetMs))
            {
                yaml.Error(o, $"offset \"{text}\" is not a duration such as -7d (where the series' first value is, from start)");
            }

            offsetMs = negative ? -offsetMs : offsetMs;
        }

        var values = new Dictionary<string, IReadOnlyList<double?>>(StringComparer.Ordinal);
        foreach (var (column, notation) in yaml.TextMap(valuesNode, "values"))
        {
            if (ExpandingNotation.TryExpand(notation, out var expanded, out var error))
            {
                values[column] = expanded;
            }
            else
            {
                yaml.Error(YamlContext.KeyNode(valuesNode, column), $"values.{column}: {error}");
            }
        }

        return new FixtureSeries(slice, startMs + offsetMs, values);
    }

    private static Expectation? Expect(YamlContext yaml, YamlNode node)
    {
        if (yaml.Map(node, "an expectation", "at", "rule", "alerts") is not { } e || !e.ContainsKey("at") || !e.ContainsKey("alerts"))
        {
            yaml.Error(node, "an expectation needs at: (a window index) and alerts: (a list, [] for none)");
            return null;
        }

        var at = yaml.Number(e["at"], "at");
        if (at is not { } index || index < 0 || index != Math.Floor(index) || index > 1_000_000)
        {
            yaml.Error(e["at"], "at is a window index: 0, 1, 2, …");
            return null;
        }

        var rule = e.TryGetValue("rule", out var r) ? yaml.Text(r, "rule") : null;
        var alerts = (yaml.Sequence(e["alerts"], "alerts") ?? []).Select(a => Alert(yaml, a)).OfType<ExpectedAlert>().ToList();
        return new Expectation((int)index, rule, alerts, yaml.Position(node));
    }

    private static ExpectedAlert? Alert(YamlContext yaml, YamlNode node)
    {
        if (yaml.Map(node, "an expected alert", "rule", "slice", "state", "severity", "annotations") is not { } e || !e.ContainsKey("rule") || !e.ContainsKey("state"))
        {
            yaml.Error(node, "an expected alert needs rule: and state: (pending, firing or resolved)");
            return null;
        }

        var rule = yaml.Text(e["rule"], "rule");
        Slice? slice = Slice.Global;
        if (e.TryGetValue("slice", out var s) && yaml.Text(s, "slice") is { } sliceText)
        {
            try
            {
                slice = Slice.Parse(sliceText);
            }
            catch (Exception ex) when (ex is FormatException or ArgumentException)
            {
                yaml.Error(s, $"slice: {ex.Message} Write it as cdn=oca,pop=iad-2");
                slice = null;
            }
        }

        var stateText = yaml.Text(e["state"], "state");
        if (stateText is null || !Enum.TryParse<AlertState>(stateText, ignoreCase: true, out var state) || !Enum.IsDefined(state))
        {
            yaml.Error(e["state"], "state is pending, firing or resolved");
            return null;
        }

        Severity? severity = null;
        if (e.TryGetValue("severity", out var sev) && yaml.Text(sev, "severity") is { } sevText)
        {
            severity = Severities.TryParse(sevText, out var parsed) ? parsed : null;
            if (severity is null)
            {
                yaml.Error(sev, "severity is P0, P1, P2 or P3");
            }
        }

        var annotations = e.TryGetValue("annotations", out var a) ? yaml.TextMap(a, "annotations") : [];
        return rule is null || slice is null ? null : new ExpectedAlert(rule, slice, state, severity, annotations);
    }
}
