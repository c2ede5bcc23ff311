using System.Globalization;
using Analytics.Alerts.Metrics;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Rules.Parsing;

/// <summary>
/// Reads typed values out of a YAML tree and records every problem at the position of the node it is
/// about, so one pass reports all of a file's mistakes instead of stopping at the first.
/// </summary>
internal sealed class YamlContext(string file)
{
    public string File { get; } = file;

    public List<RuleProblem> Problems { get; } = [];

    /// <summary>Rule entries met, valid or not.</summary>
    public int RulesSeen { get; set; }

    public bool HasErrors => Problems.Any(p => p.IsError);

    public SourcePosition Position(YamlNode node) => new(File, (int)node.Start.Line, (int)node.Start.Column);

    public void Error(YamlNode node, string message) => Problems.Add(new(File, (int)node.Start.Line, (int)node.Start.Column, message, IsError: true));

    public void Warning(YamlNode node, string message) => Problems.Add(new(File, (int)node.Start.Line, (int)node.Start.Column, message, IsError: false));

    /// <summary>
    /// The entries of a mapping by key, reporting keys outside <paramref name="allowed"/> (with the nearest
    /// allowed key as a hint). Null, after reporting, when the node is not a mapping.
    /// </summary>
    public Dictionary<string, YamlNode>? Map(YamlNode node, string what, params string[] allowed)
    {
        if (node is not YamlMappingNode mapping)
        {
            Error(node, $"{what} must be a mapping (key: value lines)");
            return null;
        }

        var entries = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        foreach (var (keyNode, value) in mapping.Children)
        {
            if (keyNode is not YamlScalarNode { Value: { } key })
            {
                Error(keyNode, $"the keys of {what} must be plain names");
                continue;
            }

            if (allowed.Length > 0 && !allowed.Contains(key, StringComparer.Ordinal))
            {
                Error(keyNode, $"unknown key \"{key}\" in {what}; did you mean \"{Suggest.Nearest(key, allowed)}\"? (allowed: {string.Join(", ", allowed)})");
                continue;
            }

            entries[key] = value;
        }

        return entries;
    }

    public string? Text(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: { } text } && text.Length > 0)
        {
            return text;
        }

        Error(node, $"{what} must be a non-empty text value");
        return null;
    }

    /// <summary>A number; <c>30%</c> is read as 0.3 so thresholds can be written as percentages.</summary>
    public double? Number(YamlNode node, string what)
    {
        if (node is YamlScalarNode { Value: { } text })
        {
            var percent = text.EndsWith('%');
            var digits = percent ? text[..^1].Trim() : text;
            if (double.TryParse(digits, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
            {
                return percent ? value / 100 : value;
            }
        }

        Error(node, $"{what} must be a number, such as 0.05 or 5%");
        return null;
    }

    public IReadOnlyList<YamlNode>? Sequence(YamlNode node, string what)
    {
        if (node is YamlSequenceNode sequence)
        {
            return [.. sequence.Children];
        }

        Error(node, $"{what} must be a list, such as [cdn, pop]");
        return null;
    }

    /// <summary>A mapping of names to plain texts (labels, where filters).</summary>
    public Dictionary<string, string> TextMap(YamlNode node, string what)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in Map(node, what) ?? [])
        {
            if (Text(value, $"{what}.{key}") is { } text)
            {
                result[key] = text;
            }
        }

        return result;
    }

    /// <summary>The node a key of a mapping was written at, for errors about the key itself.</summary>
    public static YamlNode KeyNode(YamlNode mapping, string key)
        => mapping is YamlMappingNode m ? m.Children.Keys.FirstOrDefault(k => k is YamlScalarNode s && s.Value == key) ?? mapping : mapping;

    public static string Show(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);
}
