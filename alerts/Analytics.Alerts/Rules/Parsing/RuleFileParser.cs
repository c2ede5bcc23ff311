using System.Text.RegularExpressions;
using Analytics.Alerts.Actions;
using Analytics.Alerts.Metrics;
using Analytics.Alerts.Rules.Templates;
using Analytics.Alerts.Slices;
using Analytics.Common;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Rules.Parsing;

/// <summary>
/// Reads one rule file (<c>groups: [{name, window, rules: [...]}]</c>) into <see cref="AlertRule"/>s. Every
/// mistake becomes a <see cref="RuleProblem"/> at the node's line and column; a rule with errors is left out.
/// </summary>
internal static partial class RuleFileParser
{
    private static readonly string[] RuleKeys = ["name", "metric", "by", "where", "condition", "min_volume", "severity", "labels", "annotations", "actions"];

    /// <summary>Labels the evaluator sets itself, which a rule may not override.</summary>
    private static readonly string[] ReservedLabels = ["alertname", "severity"];

    /// <summary>Parses a file; <paramref name="written"/> counts the rules in it, valid or not, for summaries.</summary>
    public static IReadOnlyList<AlertRule> Parse(string file, string text, List<RuleProblem> problems, out int written)
    {
        var yaml = new YamlContext(file);
        var rules = new List<AlertRule>();
        if (Load(yaml, text) is { } root && yaml.Map(root, "a rule file", "groups") is { } top)
        {
            if (!top.TryGetValue("groups", out var groups))
            {
                yaml.Error(root, "a rule file has a groups: list");
            }
            else
            {
                foreach (var group in yaml.Sequence(groups, "groups") ?? [])
                {
                    Group(yaml, group, rules);
                }
            }
        }

        problems.AddRange(yaml.Problems);
        written = yaml.RulesSeen;
        return rules;
    }

    /// <summary>The document's root node, or null (after reporting) when the text is not YAML.</summary>
    public static YamlNode? Load(YamlContext yaml, string text)
    {
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(text));
            if (stream.Documents.Count == 0)
            {
                yaml.Problems.Add(new(yaml.File, 1, 1, "the file is empty", IsError: true));
                return null;
            }

            return stream.Documents[0].RootNode;
        }
        catch (YamlException ex)
        {
            yaml.Problems.Add(new(yaml.File, (int)ex.Start.Line, (int)ex.Start.Column, $"not valid YAML: {MarkPrefix().Replace(ex.Message, "")}", IsError: true));
            return null;
        }
        catch (InvalidOperationException ex)
        {
            // YamlDotNet's scanner fails this way, without a position, on some malformed flow collections.
            yaml.Problems.Add(new(yaml.File, 1, 1, $"not valid YAML: {ex.Message} (check the brackets and quotes)", IsError: true));
            return null;
        }
        catch (ArgumentException ex)
        {
            // The representation model refuses a mapping with a key twice, without a position.
            yaml.Problems.Add(new(yaml.File, 1, 1, $"not valid YAML: {ex.Message} (a key appears twice in one mapping)", IsError: true));
            return null;
        }
    }

    private static void Group(YamlContext yaml, YamlNode node, List<AlertRule> rules)
    {
        var e = yaml.Map(node, "a group", "name", "window", "rules");
        if (e is null)
        {
            return;
        }

        var name = e.TryGetValue("name", out var n) ? yaml.Text(n, "the group name") : null;
        if (name is null && n is null)
        {
            yaml.Error(node, "a group has a name");
        }

        long windowMs = 0;
        if (!e.TryGetValue("window", out var w))
        {
            yaml.Error(node, "a group has a window: 10s or 1m, the table its rules read");
        }
        else if (yaml.Text(w, "window") is { } text && !(Durations.TryParseMs(text, out windowMs) && windowMs is Cubes.TenSecondsMs or Cubes.OneMinuteMs))
        {
            yaml.Error(w, $"window \"{text}\" has no tables; use 10s or 1m");
            windowMs = 0;
        }

        if (!e.TryGetValue("rules", out var list))
        {
            yaml.Error(node, "a group has a rules: list");
            return;
        }

        foreach (var rule in yaml.Sequence(list, "rules") ?? [])
        {
            yaml.RulesSeen++;
            if (Rule(yaml, rule, name ?? "", windowMs) is { } parsed && name is not null && windowMs > 0)
            {
                rules.Add(parsed);
            }
        }
    }

    private static AlertRule? Rule(YamlContext yaml, YamlNode node, string group, long windowMs)
    {
        var e = yaml.Map(node, "a rule", RuleKeys);
        if (e is null)
        {
            return null;
        }

        var before = yaml.Problems.Count(p => p.IsError);
        foreach (var required in new[] { "name", "metric", "condition", "severity" })
        {
            if (!e.ContainsKey(required))
            {
                yaml.Error(node, $"a rule needs {required}:");
            }
        }

        var name = e.TryGetValue("name", out var nameNode) ? yaml.Text(nameNode, "name") : null;
        if (name is not null && !RuleName().IsMatch(name))
        {
            yaml.Error(nameNode!, $"rule name \"{name}\" must be letters, digits and _ , starting with a letter (it becomes the alertname)");
        }

        var metric = e.TryGetValue("metric", out var metricNode) ? Metric(yaml, metricNode) : null;
        var by = e.TryGetValue("by", out var byNode) ? By(yaml, byNode) : [];
        var where = e.TryGetValue("where", out var whereNode) ? yaml.TextMap(whereNode, "where") : [];
        foreach (var dim in where.Keys.Where(d => !Cubes.IsDimension(d)))
        {
            yaml.Error(YamlContext.KeyNode(whereNode!, dim), UnknownDimension(dim));
        }

        CheckCube(yaml, byNode ?? node, by, where.Keys, windowMs);
        var condition = e.TryGetValue("condition", out var c) && windowMs > 0 ? new ConditionParser(yaml).Parse(c, metric, windowMs) : null;
        var minVolume = e.TryGetValue("min_volume", out var mv) ? yaml.Number(mv, "min_volume") : 0;
        if (minVolume < 0)
        {
            yaml.Error(mv!, "min_volume must be 0 or more");
        }

        if (condition is AbsenceCondition && mv is not null)
        {
            yaml.Error(mv, "an absence rule judges slices that lost their volume; set min_baseline in the condition instead of min_volume");
        }

        Severity severity = default;
        if (e.TryGetValue("severity", out var s) && yaml.Text(s, "severity") is { } sevText && !Severities.TryParse(sevText, out severity))
        {
            yaml.Error(s, $"severity \"{sevText}\" is not one of P0 (service down), P1 (degradation), P2 (capacity), P3 (maintenance)");
        }

        var labels = e.TryGetValue("labels", out var l) ? yaml.TextMap(l, "labels") : [];
        foreach (var reserved in labels.Keys.Intersect(ReservedLabels))
        {
            yaml.Error(YamlContext.KeyNode(l!, reserved), $"label \"{reserved}\" is set by the evaluator; remove it");
        }

        var annotations = Annotations(yaml, e.GetValueOrDefault("annotations"), by.Concat(where.Keys));
        var actions = e.TryGetValue("actions", out var actionsNode) ? RuleActionParser.Parse(yaml, actionsNode, [.. by.Concat(where.Keys).Distinct()]) : [];
        if (yaml.Problems.Count(p => p.IsError) > before || name is null || metric is null || condition is null || minVolume is null)
        {
            return null;
        }

        return new AlertRule(name, group, windowMs, metric, by, new Slice(where), condition, minVolume.Value, severity, labels, annotations, yaml.Position(node))
        {
            Actions = actions,
        };
    }

    private static MetricDefinition? Metric(YamlContext yaml, YamlNode node)
    {
        var text = yaml.Text(node, "metric");
        if (text is null)
        {
            return null;
        }

        var metric = MetricCatalog.Find(text);
        if (metric is null)
        {
            yaml.Error(node, $"unknown metric \"{text}\"; did you mean \"{MetricCatalog.Nearest(text)}\"? (see docs/metrics.md)");
        }

        return metric;
    }

    private static List<string> By(YamlContext yaml, YamlNode node)
    {
        var by = new List<string>();
        foreach (var item in yaml.Sequence(node, "by") ?? [])
        {
            if (yaml.Text(item, "a by dimension") is not { } dim)
            {
                continue;
            }

            if (!Cubes.IsDimension(dim))
            {
                yaml.Error(item, UnknownDimension(dim));
            }
            else if (by.Contains(dim))
            {
                yaml.Error(item, $"dimension {dim} is listed twice");
            }
            else
            {
                by.Add(dim);
            }
        }

        by.Sort(StringComparer.Ordinal);
        return by;
    }

    private static void CheckCube(YamlContext yaml, YamlNode node, List<string> by, IEnumerable<string> where, long windowMs)
    {
        var dims = by.Concat(where).Where(Cubes.IsDimension).Distinct().ToList();
        if (Cubes.CubeFor(dims) is null)
        {
            var cubes = string.Join("; ", Cubes.All.Select(c => $"{c.Name}: {string.Join(", ", c.Dimensions)}"));
            yaml.Error(node, $"dimensions {string.Join(", ", dims)} are not in one cube; pick them from one of {cubes}");
        }
        else if (windowMs > 0 && Cubes.CubeFor(dims, windowMs) is null)
        {
            yaml.Error(node, $"only the delivery cube has {Durations.Format(windowMs)} windows, and {string.Join(", ", dims)} are not all in it; put this rule in a 1m group");
        }
    }

    private static Dictionary<string, AnnotationTemplate> Annotations(YamlContext yaml, YamlNode? node, IEnumerable<string> dims)
    {
        var result = new Dictionary<string, AnnotationTemplate>(StringComparer.Ordinal);
        if (node is null)
        {
            return result;
        }

        var known = TemplateValues.Fixed.Concat(dims).Distinct().ToList();
        foreach (var (key, value) in yaml.Map(node, "annotations") ?? [])
        {
            if (yaml.Text(value, $"annotations.{key}") is not { } text)
            {
                continue;
            }

            var problems = new List<string>();
            result[key] = AnnotationTemplate.Parse(text, known, problems);
            foreach (var problem in problems)
            {
                yaml.Error(value, $"annotation {key}: {problem}");
            }
        }

        return result;
    }

    private static string UnknownDimension(string dim)
        => $"unknown dimension \"{dim}\"; did you mean \"{Suggest.Nearest(dim, Cubes.Dimensions)}\"? (known: {string.Join(", ", Cubes.Dimensions)})";

    [GeneratedRegex(@"^\(Line: \d+, Col: \d+, Idx: \d+\) - \(Line: \d+, Col: \d+, Idx: \d+\): ")]
    private static partial Regex MarkPrefix();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]*$")]
    private static partial Regex RuleName();
}
