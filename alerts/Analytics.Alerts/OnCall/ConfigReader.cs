using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Rules.Parsing;
using Analytics.Common;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.OnCall;

/// <summary>
/// Reads one mapping of the on-call file (a receiver's settings, an action's settings) and reports each
/// problem at its position with the full key, e.g. <c>receivers[pd].pagerduty.routing_key_env</c>.
/// Unknown keys are reported with the nearest allowed one.
/// </summary>
internal sealed class ConfigReader
{
    private readonly Dictionary<string, YamlNode> _entries;

    public ConfigReader(YamlContext context, YamlNode node, string key, params string[] allowed)
    {
        Context = context;
        Node = node;
        Key = key;
        _entries = context.Map(node, key.Length == 0 ? "the file" : key, allowed) ?? [];
    }

    public YamlContext Context { get; }

    public YamlNode Node { get; }

    /// <summary>The full key of this mapping; empty for the file's top level.</summary>
    public string Key { get; }

    /// <summary>The full key of one of this mapping's entries.</summary>
    public string Full(string key) => Key.Length == 0 ? key : $"{Key}.{key}";

    public bool Has(string key) => _entries.ContainsKey(key);

    public YamlNode? Get(string key) => _entries.GetValueOrDefault(key);

    public void Error(string key, string message)
        => Context.Error(_entries.TryGetValue(key, out var node) ? node : Node, $"{Full(key)}: {message}");

    public string? Text(string key, bool required = false)
    {
        if (!_entries.TryGetValue(key, out var node))
        {
            if (required)
            {
                Context.Error(Node, Key.Length == 0 ? $"\"{key}\" is required" : $"{Key}: \"{key}\" is required");
            }

            return null;
        }

        return Context.Text(node, Full(key));
    }

    public bool? Bool(string key)
    {
        if (!_entries.TryGetValue(key, out var node))
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } v } && bool.TryParse(v, out var b))
        {
            return b;
        }

        Context.Error(node, $"{Full(key)} must be true or false");
        return null;
    }

    public double? Number(string key, double min = double.MinValue, double max = double.MaxValue)
    {
        if (!_entries.TryGetValue(key, out var node))
        {
            return null;
        }

        var value = Context.Number(node, Full(key));
        if (value is { } x && (x < min || x > max))
        {
            Context.Error(node, $"{Full(key)} must be between {YamlContext.Show(min)} and {YamlContext.Show(max)}");
            return null;
        }

        return value;
    }

    public TimeSpan? Duration(string key)
    {
        if (Text(key) is not { } text)
        {
            return null;
        }

        if (Durations.TryParse(text, out var value) && value >= TimeSpan.Zero)
        {
            return value;
        }

        Error(key, $"\"{text}\" is not a duration; write {Durations.Examples}");
        return null;
    }

    /// <summary>An absolute http(s) URL. Secret URLs (Slack's) are read with <see cref="Secret"/> instead.</summary>
    public Uri? Url(string key, bool required = false)
    {
        if (Text(key, required) is not { } text)
        {
            return null;
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https")
        {
            return uri;
        }

        Error(key, $"\"{text}\" is not an http or https URL");
        return null;
    }

    /// <summary>
    /// A secret, written as <c>{name}_env: VARIABLE</c> or <c>{name}_file: /path</c>; a plain <c>{name}:</c>
    /// is refused, because the config file is committed and logged while secrets must not be.
    /// </summary>
    public SecretRef? Secret(string name, bool required = true)
    {
        if (_entries.TryGetValue(name, out var literal))
        {
            Context.Error(literal, $"{Full(name)}: do not write the secret in the file; use {name}_env (an environment variable) or {name}_file (a file that holds it)");
            return null;
        }

        var env = Text(name + "_env");
        var file = Text(name + "_file");
        if (env is not null && file is not null)
        {
            Error(name + "_file", $"give {name}_env or {name}_file, not both");
            return null;
        }

        if (env is null && file is null)
        {
            if (required)
            {
                Context.Error(Node, $"{Key}: \"{name}_env\" or \"{name}_file\" is required");
            }

            return null;
        }

        return env is not null ? new SecretRef(Full(name + "_env"), env, null) : new SecretRef(Full(name + "_file"), null, file);
    }

    /// <summary>The allowed keys for a secret named <paramref name="name"/> (its <c>_env</c> and <c>_file</c> forms, and the plain name to refuse it clearly).</summary>
    public static string[] SecretKeys(string name) => [name, name + "_env", name + "_file"];
}
