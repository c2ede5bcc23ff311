using Analytics.Alerts.Actions;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Routing;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Rules.Parsing;

namespace Analytics.Alerts.OnCall;

/// <summary>
/// Loads and checks the on-call file: the route tree, the receivers and the action guardrails. Every
/// problem is reported at once, as <c>file:line:col</c> with the key at fault, the way rule files are;
/// <c>analytics rules check</c> runs the same check.
/// </summary>
internal static class OnCallFile
{
    public const string Default = "alerts/oncall.yaml";

    private static readonly string[] Keys = ["route", "receivers", "actions", "public_url"];

    /// <summary>Loads a file; throws <see cref="RuleFileException"/> listing every error when any has one.</summary>
    public static OnCallConfig Load(string path)
    {
        var (config, problems) = Check(path);
        return config is null || problems.Any(p => p.IsError) ? throw new RuleFileException(problems) : config;
    }

    public static (OnCallConfig? Config, IReadOnlyList<RuleProblem> Problems) Check(string path)
    {
        try
        {
            return Parse(path, File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, [new RuleProblem(path, 1, 1, $"cannot read the on-call file: {ex.Message}", IsError: true)]);
        }
    }

    public static (OnCallConfig? Config, IReadOnlyList<RuleProblem> Problems) Parse(string file, string text)
    {
        var context = new YamlContext(file);
        if (RuleFileParser.Load(context, text) is not { } document)
        {
            return (null, context.Problems);
        }

        var root = new ConfigReader(context, document, "", Keys);
        var receivers = ParseReceivers(context, root);
        Route? route = null;
        if (root.Get("route") is { } routeNode)
        {
            route = RouteParser.Parse(context, routeNode, "route", [], isRoot: true);
        }
        else
        {
            context.Error(root.Node, "\"route\" is required: the tree that picks receivers");
        }

        if (route is not null)
        {
            CheckNames(context, route, receivers);
        }

        var actions = root.Get("actions") is { } actionsNode ? ActionSettings.Parse(context, actionsNode, "actions") : ActionSettings.Default;
        var publicUrl = root.Url("public_url")?.ToString().TrimEnd('/') ?? "";
        var problems = context.Problems.OrderBy(p => p.Line).ThenBy(p => p.Column).ToList();
        return context.HasErrors || route is null || actions is null
            ? (null, problems)
            : (new OnCallConfig(route, receivers, actions, publicUrl, file), problems);
    }

    private static List<ReceiverConfig> ParseReceivers(YamlContext context, ConfigReader root)
    {
        var receivers = new List<ReceiverConfig>();
        if (root.Get("receivers") is not { } list)
        {
            context.Error(root.Node, "\"receivers\" is required: the list of places incidents are sent to");
            return receivers;
        }

        var index = 0;
        var kinds = ReceiverKinds.All.Keys.ToArray();
        foreach (var node in context.Sequence(list, "receivers") ?? [])
        {
            var key = $"receivers[{index++}]";
            var entry = new ConfigReader(context, node, key, ["name", .. kinds]);
            if (entry.Text("name", required: true) is not { } name)
            {
                continue;
            }

            key = $"receivers[{name}]";
            if (receivers.Any(r => r.Name == name))
            {
                context.Error(node, $"{key}: the name is used twice");
                continue;
            }

            var given = kinds.Where(entry.Has).ToList();
            if (given.Count != 1)
            {
                context.Error(node, $"{key}: give exactly one of {string.Join(", ", kinds)}{(given.Count > 1 ? $" (found {string.Join(", ", given)})" : "")}");
                continue;
            }

            if (ReceiverKinds.All[given[0]](context, entry.Get(given[0])!, $"{key}.{given[0]}") is { } settings)
            {
                receivers.Add(new ReceiverConfig(name, settings, context.Position(node)));
            }
        }

        return receivers;
    }

    private static void CheckNames(YamlContext context, Route route, List<ReceiverConfig> receivers)
    {
        var byName = receivers.ToDictionary(r => r.Name, StringComparer.Ordinal);
        foreach (var (name, position) in route.Named().Distinct())
        {
            if (!byName.TryGetValue(name, out var receiver))
            {
                if (!context.HasErrors || receivers.Count > 0)
                {
                    context.Problems.Add(new RuleProblem(position.File, position.Line, position.Column, $"route names receiver \"{name}\", which is not in receivers (known: {string.Join(", ", byName.Keys)})", IsError: true));
                }
            }
            else if (receiver.Settings is IReceiverSettings { } s && ReceiverKinds.ArchivesEverything(s))
            {
                context.Problems.Add(new RuleProblem(position.File, position.Line, position.Column, $"receiver \"{name}\" ({s.Kind}) takes every incident change already; routes must not name it", IsError: true));
            }
        }

        foreach (var unused in receivers.Where(r => !ReceiverKinds.ArchivesEverything(r.Settings) && !route.Named().Any(n => n.Receiver == r.Name)))
        {
            context.Problems.Add(new RuleProblem(unused.Position.File, unused.Position.Line, unused.Position.Column, $"receiver \"{unused.Name}\" is not used by any route", IsError: false));
        }
    }
}
