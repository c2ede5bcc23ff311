using System.Globalization;
using Analytics.Alerts.OnCall;
using Analytics.Alerts.Rules.Parsing;
using Analytics.Alerts.Rules.Templates;
using Analytics.Common;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Actions;

/// <summary>
/// Reads a rule's <c>actions:</c> list, e.g. <c>- cdn_steer: {percent: 30, to: {cdn: akamai}}</c>. Every mistake
/// is reported at its position with the key (<c>actions[0].cdn_steer.percent</c>); an action that needs a
/// dimension the rule's slice lacks (a POP to steer, an app version to halt) is refused here, not at 3 am.
/// </summary>
internal static class RuleActionParser
{
    private const string Key = "actions";

    /// <summary>The valid actions; <paramref name="dims"/> are the rule's <c>by</c> and <c>where</c> dimensions, what an incident's slice can name.</summary>
    public static IReadOnlyList<RuleAction> Parse(YamlContext yaml, YamlNode node, IReadOnlyCollection<string> dims)
    {
        var actions = new List<RuleAction>();
        var index = 0;
        foreach (var item in yaml.Sequence(node, Key) ?? [])
        {
            var key = $"{Key}[{index++}]";
            var before = Errors(yaml);
            var entry = new ConfigReader(yaml, item, key, [.. ActionKinds.Names]);
            var given = ActionKinds.Names.Where(entry.Has).ToList();
            if (given.Count != 1)
            {
                if (Errors(yaml) == before)
                {
                    yaml.Error(item, $"{key}: give exactly one of {string.Join(", ", ActionKinds.Names)}{(given.Count > 1 ? $" (found {string.Join(", ", given)})" : "")}");
                }

                continue;
            }

            ActionKinds.TryParse(given[0], out var kind);
            var body = entry.Get(given[0])!;
            key = $"{key}.{given[0]}";
            if (actions.Any(a => a.Kind == kind))
            {
                yaml.Error(body, $"{key}: {given[0]} is listed twice; a rule runs each kind of action once");
                continue;
            }

            RuleAction? action = kind switch
            {
                ActionKind.CdnSteer => Steer(yaml, body, key, dims),
                ActionKind.ScaleOut => ScaleOut(yaml, body, key),
                ActionKind.HaltRollout => HaltRollout(yaml, body, key, dims),
                _ => Annotate(yaml, body, key, dims),
            };
            if (action is not null)
            {
                actions.Add(action);
            }
        }

        return actions;
    }

    private static CdnSteerAction? Steer(YamlContext yaml, YamlNode node, string key, IReadOnlyCollection<string> dims)
    {
        var errors = Errors(yaml);
        var r = new ConfigReader(yaml, node, key, "percent", "to", "ttl");
        var keysOk = Errors(yaml) == errors;
        if (!dims.Contains("pop") && !dims.Contains("cdn"))
        {
            yaml.Error(node, $"{key}: the rule's slice names no pop or cdn to steer away from (it has {Show(dims)}); steer from rules with by: [cdn, pop] or [cdn]");
        }

        var percent = Percent(r, "percent");
        if (percent is null && !r.Has("percent") && keysOk)
        {
            yaml.Error(node, $"{key}: \"percent\" is required: the share of the POP's traffic to move, 1 to 100");
        }

        var to = Target(r, key, keysOk);
        var ttl = r.Duration("ttl") ?? CdnSteerAction.DefaultTtl;
        if (ttl <= TimeSpan.Zero || ttl > CdnSteerAction.MaxTtl)
        {
            r.Error("ttl", $"must be more than 0 and at most {Durations.Format(CdnSteerAction.MaxTtl)}: the steering lapses by itself after it unless renewed");
        }

        return Errors(yaml) > errors || percent is null || to is null
            ? null
            : new CdnSteerAction(percent.Value, to, ttl, yaml.Position(node));
    }

    private static SteeringTarget? Target(ConfigReader r, string key, bool report)
    {
        if (r.Get("to") is not { } node)
        {
            if (report)
            {
                r.Context.Error(r.Node, $"{key}: \"to\" is required: where the traffic goes, e.g. {{cdn: akamai}} or {{pop: iad-2}}");
            }

            return null;
        }

        var errors = Errors(r.Context);
        var to = new ConfigReader(r.Context, node, $"{key}.to", "pop", "cdn");
        var pop = to.Text("pop");
        var cdn = to.Text("cdn");
        if (to.Has("pop") && to.Has("cdn"))
        {
            r.Context.Error(node, $"{key}.to: give one of pop or cdn, not both");
            return null;
        }

        if (pop is null && cdn is null)
        {
            if (Errors(r.Context) == errors)
            {
                r.Context.Error(node, $"{key}.to: give one of pop or cdn, e.g. {{cdn: akamai}}");
            }

            return null;
        }

        return pop is not null ? new SteeringTarget("pop", pop) : new SteeringTarget("cdn", cdn!);
    }

    private static ScaleOutAction? ScaleOut(YamlContext yaml, YamlNode node, string key)
    {
        var errors = Errors(yaml);
        var r = new ConfigReader(yaml, node, key, "service", "by");
        var keysOk = Errors(yaml) == errors;
        var service = r.Text("service", required: keysOk);
        ScaleAmount? by = null;
        if (r.Text("by", required: keysOk) is { } text)
        {
            var isPercent = text.EndsWith('%');
            var digits = isPercent ? text[..^1].Trim() : text.Trim();
            if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n is >= 1 and <= 1000)
            {
                by = new ScaleAmount(n, isPercent);
            }
            else
            {
                r.Error("by", $"\"{text}\" is not an amount; write a number of instances (2) or a percentage of the current count (50%), 1 to 1000");
            }
        }

        return Errors(yaml) > errors || service is null || by is null ? null : new ScaleOutAction(service, by, yaml.Position(node));
    }

    private static HaltRolloutAction? HaltRollout(YamlContext yaml, YamlNode node, string key, IReadOnlyCollection<string> dims)
    {
        if (!IsEmpty(node))
        {
            _ = new ConfigReader(yaml, node, key);
            if (node is YamlMappingNode { Children.Count: > 0 })
            {
                yaml.Error(node, $"{key} takes no settings: it halts the incident's app version (write halt_rollout: {{}})");
            }

            return null;
        }

        if (!dims.Contains("app_version"))
        {
            yaml.Error(node, $"{key}: the rule's slice names no app_version to halt (it has {Show(dims)}); halt rollouts from rules with by: [app_version]");
            return null;
        }

        return new HaltRolloutAction(yaml.Position(node));
    }

    private static AnnotateAction? Annotate(YamlContext yaml, YamlNode node, string key, IReadOnlyCollection<string> dims)
    {
        if (IsEmpty(node))
        {
            return new AnnotateAction(null, [], yaml.Position(node));
        }

        var errors = Errors(yaml);
        var r = new ConfigReader(yaml, node, key, "text", "tags");
        AnnotationTemplate? template = null;
        if (r.Text("text") is { } text)
        {
            var problems = new List<string>();
            template = AnnotationTemplate.Parse(text, [.. TemplateValues.Fixed.Concat(dims).Distinct()], problems);
            foreach (var problem in problems)
            {
                r.Error("text", problem);
            }
        }

        var tags = new List<string>();
        if (r.Get("tags") is { } tagsNode)
        {
            foreach (var tag in yaml.Sequence(tagsNode, $"{key}.tags") ?? [])
            {
                if (yaml.Text(tag, $"{key}.tags[{tags.Count}]") is { } t)
                {
                    tags.Add(t);
                }
            }
        }

        return Errors(yaml) > errors ? null : new AnnotateAction(template, tags, yaml.Position(node));
    }

    /// <summary>An integer percentage, written 30 or 30%.</summary>
    private static int? Percent(ConfigReader r, string name)
    {
        if (r.Text(name) is not { } text)
        {
            return null;
        }

        var digits = text.EndsWith('%') ? text[..^1].Trim() : text.Trim();
        if (int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var percent) && percent is >= 1 and <= 100)
        {
            return percent;
        }

        r.Error(name, $"\"{text}\" must be a whole percentage from 1 to 100, such as 30");
        return null;
    }

    /// <summary><c>halt_rollout:</c> with nothing after it, or <c>{}</c>.</summary>
    private static bool IsEmpty(YamlNode node)
        => node is YamlScalarNode { Value: null or "" } or YamlMappingNode { Children.Count: 0 };

    private static int Errors(YamlContext yaml) => yaml.Problems.Count(p => p.IsError);

    private static string Show(IReadOnlyCollection<string> dims) => dims.Count == 0 ? "no dimensions" : string.Join(", ", dims);
}
