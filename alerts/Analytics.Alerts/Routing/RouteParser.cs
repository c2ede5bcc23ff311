using Analytics.Alerts.OnCall;
using Analytics.Alerts.Rules.Parsing;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Routing;

/// <summary>Reads the <c>route:</c> tree of the on-call file, reporting problems with their key (<c>route.routes[1].matchers[0]</c>).</summary>
internal static class RouteParser
{
    private static readonly string[] Keys = ["receiver", "receivers", "matchers", "continue", "routes"];

    public static Route? Parse(YamlContext context, YamlNode node, string key, IReadOnlyList<string> inherited, bool isRoot)
    {
        var reader = new ConfigReader(context, node, key, Keys);
        var matchers = new List<Matcher>();
        if (reader.Get("matchers") is { } list)
        {
            if (isRoot)
            {
                reader.Error("matchers", "the root route matches every incident; put matchers on its routes");
            }

            var index = 0;
            foreach (var item in context.Sequence(list, $"{key}.matchers") ?? [])
            {
                var itemKey = $"{key}.matchers[{index++}]";
                if (context.Text(item, itemKey) is not { } text)
                {
                    continue;
                }

                if (Matcher.TryParse(text, out var error) is { } matcher)
                {
                    matchers.Add(matcher);
                }
                else
                {
                    context.Error(item, $"{itemKey}: {error}");
                }
            }
        }

        var receivers = Receivers(reader);
        if (receivers is null && isRoot)
        {
            context.Error(node, $"{key}: the root route needs a receiver (the default for incidents no route takes)");
        }

        var own = receivers ?? inherited;
        var children = new List<Route>();
        if (reader.Get("routes") is { } routes)
        {
            var index = 0;
            foreach (var child in context.Sequence(routes, $"{key}.routes") ?? [])
            {
                if (Parse(context, child, $"{key}.routes[{index++}]", own, isRoot: false) is { } parsed)
                {
                    children.Add(parsed);
                }
            }
        }

        if (!isRoot && matchers.Count == 0 && reader.Has("routes") is false && receivers is null)
        {
            context.Warning(node, $"{key}: a route without matchers or receivers changes nothing");
        }

        return new Route(matchers, own, reader.Bool("continue") ?? false, children, context.Position(node));
    }

    private static IReadOnlyList<string>? Receivers(ConfigReader reader)
    {
        if (reader.Has("receiver") && reader.Has("receivers"))
        {
            reader.Error("receivers", "give receiver or receivers, not both");
            return null;
        }

        if (reader.Text("receiver") is { } one)
        {
            return [one];
        }

        if (reader.Get("receivers") is not { } list)
        {
            return null;
        }

        var names = new List<string>();
        foreach (var item in reader.Context.Sequence(list, $"{reader.Key}.receivers") ?? [])
        {
            if (reader.Context.Text(item, $"{reader.Key}.receivers") is { } name)
            {
                names.Add(name);
            }
        }

        return names;
    }
}
