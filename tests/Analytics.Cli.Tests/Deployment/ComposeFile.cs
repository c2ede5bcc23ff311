using System.Text;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Analytics.Cli.Tests.Deployment;

/// <summary>A bind mount or a volume of a service, from the short ("src:dst:ro") or the long syntax.</summary>
internal sealed record ComposeMount(string Type, string? Source, string Target, bool ReadOnly);

internal sealed record ComposeBuild(string Context, string Dockerfile);

internal sealed record ComposeService(
    string Name,
    string? Image,
    ComposeBuild? Build,
    IReadOnlyList<string>? Command,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyDictionary<string, string> DependsOn,
    IReadOnlyList<string>? Healthcheck,
    IReadOnlyList<string> Profiles,
    string? Restart,
    IReadOnlyList<ComposeMount> Volumes,
    IReadOnlyList<string> Ports,
    string? Hostname);

/// <summary>
/// The parts of a Compose file the stack checks read, with Compose's variable interpolation applied
/// (<c>${VAR:-default}</c> and friends) for a given set of host variables. Shapes Compose would refuse
/// or misread are collected in <see cref="Problems"/> rather than thrown, so one run reports them all.
/// </summary>
internal sealed partial class ComposeFile
{
    private static readonly HashSet<string> YamlBooleans = new(StringComparer.OrdinalIgnoreCase) { "true", "false", "yes", "no", "on", "off", "y", "n" };
    private readonly List<string> _problems = [];
    private readonly IReadOnlyDictionary<string, string> _variables;

    private ComposeFile(YamlMappingNode root, IReadOnlyDictionary<string, string> variables)
    {
        _variables = variables;
        var services = new Dictionary<string, ComposeService>(StringComparer.Ordinal);
        if (Child(root, "services") is YamlMappingNode serviceNodes)
        {
            foreach (var (key, node) in serviceNodes.Children)
            {
                var name = ((YamlScalarNode)key).Value!;
                if (node is YamlMappingNode service)
                {
                    services[name] = ReadService(name, service);
                }
                else
                {
                    _problems.Add($"service {name} is not a mapping");
                }
            }
        }
        else
        {
            _problems.Add("the file has no services mapping");
        }

        Services = services;
        Volumes = Child(root, "volumes") is YamlMappingNode volumes
            ? volumes.Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToHashSet(StringComparer.Ordinal)
            : new HashSet<string>();
    }

    public IReadOnlyDictionary<string, ComposeService> Services { get; }

    /// <summary>The named volumes declared at the top level.</summary>
    public IReadOnlySet<string> Volumes { get; }

    public IReadOnlyList<string> Problems => _problems;

    public static ComposeFile Parse(string yaml, IReadOnlyDictionary<string, string> variables)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new FormatException("A Compose file is one YAML document whose root is a mapping.");
        }

        return new ComposeFile((YamlMappingNode)Merged(root), variables);
    }

    /// <summary>
    /// The node with YAML merge keys applied, as Compose applies them: <c>&lt;&lt;: *anchor</c> (or a list of
    /// anchors) copies the anchored mapping's entries that the mapping does not set itself.
    /// </summary>
    private static YamlNode Merged(YamlNode node)
    {
        switch (node)
        {
            case YamlSequenceNode sequence:
                return new YamlSequenceNode(sequence.Children.Select(Merged));
            case YamlMappingNode mapping:
                var result = new YamlMappingNode();
                foreach (var (key, value) in mapping.Children.Where(c => c.Key is not YamlScalarNode { Value: "<<" }))
                {
                    result.Add(key, Merged(value));
                }

                foreach (var merge in mapping.Children.Where(c => c.Key is YamlScalarNode { Value: "<<" }).Select(c => c.Value))
                {
                    var sources = merge is YamlSequenceNode list ? list.Children : [merge];
                    foreach (var (key, value) in sources.OfType<YamlMappingNode>().SelectMany(m => ((YamlMappingNode)Merged(m)).Children))
                    {
                        if (!result.Children.ContainsKey(key))
                        {
                            result.Add(key, value);
                        }
                    }
                }

                return result;
            default:
                return node;
        }
    }

    /// <summary>
    /// Compose's interpolation: <c>$$</c> is a dollar; <c>$VAR</c> and <c>${VAR}</c> the variable or empty;
    /// <c>${VAR:-d}</c> d when unset or empty, <c>${VAR-d}</c> d when unset; <c>${VAR:?e}</c>/<c>${VAR?e}</c>
    /// an error; <c>${VAR:+r}</c>/<c>${VAR+r}</c> r when set. Defaults may nest.
    /// </summary>
    public static string Interpolate(string text, IReadOnlyDictionary<string, string> variables)
    {
        var result = new StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] != '$' || i + 1 >= text.Length)
            {
                result.Append(text[i++]);
                continue;
            }

            var next = text[i + 1];
            if (next == '$')
            {
                result.Append('$');
                i += 2;
            }
            else if (next == '{')
            {
                var end = ClosingBrace(text, i + 2);
                result.Append(Expand(text[(i + 2)..end], variables));
                i = end + 1;
            }
            else if (char.IsAsciiLetter(next) || next == '_')
            {
                var start = i + 1;
                var stop = start;
                while (stop < text.Length && (char.IsAsciiLetterOrDigit(text[stop]) || text[stop] == '_'))
                {
                    stop++;
                }

                result.Append(variables.GetValueOrDefault(text[start..stop], string.Empty));
                i = stop;
            }
            else
            {
                throw new FormatException($"\"{text}\": a '$' must start a variable or be written '$$'.");
            }
        }

        return result.ToString();
    }

    private static int ClosingBrace(string text, int from)
    {
        var depth = 1;
        for (var i = from; i < text.Length; i++)
        {
            if (text[i] == '{')
            {
                depth++;
            }
            else if (text[i] == '}' && --depth == 0)
            {
                return i;
            }
        }

        throw new FormatException($"\"{text}\": '${{' without a closing '}}'.");
    }

    private static string Expand(string body, IReadOnlyDictionary<string, string> variables)
    {
        var match = VariableExpression().Match(body);
        if (!match.Success)
        {
            throw new FormatException($"\"${{{body}}}\" is not a Compose variable expression.");
        }

        var name = match.Groups["name"].Value;
        var op = match.Groups["op"].Value;
        var arg = match.Groups["arg"].Value;
        var set = variables.TryGetValue(name, out var value);
        var nonEmpty = set && value!.Length > 0;
        return op switch
        {
            "" => value ?? string.Empty,
            ":-" => nonEmpty ? value! : Interpolate(arg, variables),
            "-" => set ? value! : Interpolate(arg, variables),
            ":+" => nonEmpty ? Interpolate(arg, variables) : string.Empty,
            "+" => set ? Interpolate(arg, variables) : string.Empty,
            ":?" => nonEmpty ? value! : throw new FormatException($"{name} must be set: {arg}"),
            "?" => set ? value! : throw new FormatException($"{name} must be set: {arg}"),
            _ => throw new FormatException($"\"${{{body}}}\": unknown operator {op}."),
        };
    }

    private static YamlNode? Child(YamlMappingNode node, string key)
        => node.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : null;

    private ComposeService ReadService(string name, YamlMappingNode node)
    {
        var restart = Child(node, "restart") as YamlScalarNode;
        if (restart is { Style: YamlDotNet.Core.ScalarStyle.Plain } && YamlBooleans.Contains(restart.Value ?? string.Empty))
        {
            _problems.Add($"service {name}: restart: {restart.Value} is a YAML boolean; quote it (\"no\")");
        }

        return new ComposeService(
            name,
            Scalar(Child(node, "image")),
            ReadBuild(name, Child(node, "build")),
            ReadCommand(Child(node, "command")),
            ReadEnvironment(name, Child(node, "environment")),
            ReadDependsOn(Child(node, "depends_on")),
            ReadHealthcheck(Child(node, "healthcheck")),
            Strings(Child(node, "profiles")),
            restart is null ? null : Interpolate(restart.Value ?? string.Empty, _variables),
            ReadVolumes(name, Child(node, "volumes")),
            Strings(Child(node, "ports")),
            Scalar(Child(node, "hostname")));
    }

    private string? Scalar(YamlNode? node) => node is YamlScalarNode { Value: { } value } ? Interpolate(value, _variables) : null;

    private IReadOnlyList<string> Strings(YamlNode? node) => node switch
    {
        YamlSequenceNode seq => seq.Children.Select(c => Scalar(c) ?? string.Empty).ToList(),
        YamlScalarNode s => [Scalar(s) ?? string.Empty],
        _ => [],
    };

    private ComposeBuild? ReadBuild(string name, YamlNode? node)
    {
        switch (node)
        {
            case null:
                return null;
            case YamlScalarNode s:
                return new ComposeBuild(Scalar(s)!, "Dockerfile");
            case YamlMappingNode m:
                return new ComposeBuild(Scalar(Child(m, "context")) ?? ".", Scalar(Child(m, "dockerfile")) ?? "Dockerfile");
            default:
                _problems.Add($"service {name}: build is neither a path nor a mapping");
                return null;
        }
    }

    private IReadOnlyList<string>? ReadCommand(YamlNode? node) => node switch
    {
        null => null,
        YamlSequenceNode seq => seq.Children.Select(c => Scalar(c) ?? string.Empty).ToList(),
        // The string form is split like a shell would, which is enough for the commands checked here.
        YamlScalarNode s => (Scalar(s) ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        _ => null,
    };

    private IReadOnlyDictionary<string, string> ReadEnvironment(string name, YamlNode? node)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is YamlMappingNode map)
        {
            foreach (var (key, value) in map.Children)
            {
                var variable = ((YamlScalarNode)key).Value!;
                var scalar = value as YamlScalarNode;
                if (scalar is { Style: YamlDotNet.Core.ScalarStyle.Plain } && YamlBooleans.Contains(scalar.Value ?? string.Empty))
                {
                    _problems.Add($"service {name}: {variable}: {scalar.Value} is a YAML boolean, which Compose refuses as an environment value; quote it");
                }

                // "KEY:" with no value passes the host's variable through.
                env[variable] = scalar?.Value is { } text
                    ? Interpolate(text, _variables)
                    : _variables.GetValueOrDefault(variable, string.Empty);
            }
        }
        else if (node is YamlSequenceNode list)
        {
            foreach (var item in list.Children.Select(c => Scalar(c) ?? string.Empty))
            {
                var eq = item.IndexOf('=', StringComparison.Ordinal);
                if (eq < 0)
                {
                    env[item] = _variables.GetValueOrDefault(item, string.Empty);
                }
                else
                {
                    env[item[..eq]] = item[(eq + 1)..];
                }
            }
        }

        return env;
    }

    private Dictionary<string, string> ReadDependsOn(YamlNode? node)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is YamlSequenceNode list)
        {
            foreach (var item in list.Children)
            {
                result[Scalar(item)!] = "service_started";
            }
        }
        else if (node is YamlMappingNode map)
        {
            foreach (var (key, value) in map.Children)
            {
                result[((YamlScalarNode)key).Value!] = value is YamlMappingNode m ? Scalar(Child(m, "condition")) ?? "service_started" : "service_started";
            }
        }

        return result;
    }

    /// <summary>The healthcheck's test; null without a healthcheck, empty when disabled.</summary>
    private List<string>? ReadHealthcheck(YamlNode? node)
    {
        if (node is not YamlMappingNode map)
        {
            return null;
        }

        if (Scalar(Child(map, "disable")) is "true")
        {
            return [];
        }

        var test = Strings(Child(map, "test")).ToList();
        return test is ["NONE", ..] ? [] : test;
    }

    private List<ComposeMount> ReadVolumes(string name, YamlNode? node)
    {
        var mounts = new List<ComposeMount>();
        if (node is not YamlSequenceNode list)
        {
            return mounts;
        }

        foreach (var item in list.Children)
        {
            if (item is YamlMappingNode m)
            {
                mounts.Add(new ComposeMount(
                    Scalar(Child(m, "type")) ?? "volume",
                    Scalar(Child(m, "source")),
                    Scalar(Child(m, "target")) ?? string.Empty,
                    Scalar(Child(m, "read_only")) is "true"));
                continue;
            }

            var parts = (Scalar(item) ?? string.Empty).Split(':');
            if (parts.Length == 1)
            {
                mounts.Add(new ComposeMount("volume", null, parts[0], false));
                continue;
            }

            if (parts.Length > 3)
            {
                _problems.Add($"service {name}: volume \"{Scalar(item)}\" has more than three ':'-separated parts");
                continue;
            }

            var source = parts[0];
            var bind = source.StartsWith('.') || source.StartsWith('/') || source.StartsWith('~');
            mounts.Add(new ComposeMount(bind ? "bind" : "volume", source, parts[1], parts.Length == 3 && parts[2].Split(',').Contains("ro")));
        }

        return mounts;
    }

    [GeneratedRegex(@"^(?<name>[A-Za-z_][A-Za-z0-9_]*)(?:(?<op>:-|-|:\?|\?|:\+|\+)(?<arg>.*))?$", RegexOptions.Singleline)]
    private static partial Regex VariableExpression();
}
