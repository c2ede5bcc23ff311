using System.Text.RegularExpressions;

namespace Analytics.Alerts.Routing;

/// <summary>How a matcher compares a label, as in Alertmanager: <c>=</c>, <c>!=</c>, <c>=~</c>, <c>!~</c>.</summary>
internal enum MatchOperator
{
    Equal,
    NotEqual,
    Regex,
    NotRegex,
}

/// <summary>
/// One label matcher in Alertmanager's syntax, e.g. <c>severity=~"P0|P1"</c> or <c>cdn="oca"</c>.
/// Regexes are anchored at both ends, as Alertmanager's are; a missing label matches as the empty text.
/// </summary>
internal sealed partial record Matcher(string Label, MatchOperator Operator, string Value)
{
    private Regex? _regex;

    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var actual = labels.GetValueOrDefault(Label) ?? "";
        return Operator switch
        {
            MatchOperator.Equal => actual == Value,
            MatchOperator.NotEqual => actual != Value,
            MatchOperator.Regex => Pattern.IsMatch(actual),
            _ => !Pattern.IsMatch(actual),
        };
    }

    public override string ToString() => $"{Label}{Symbol(Operator)}\"{Value}\"";

    /// <summary>Parses <c>label op value</c>, the value quoted or bare; returns null with the reason when it is not one.</summary>
    public static Matcher? TryParse(string text, out string? error)
    {
        var match = Syntax().Match(text.Trim());
        if (!match.Success)
        {
            error = $"\"{text}\" is not a matcher; write label=\"value\", label!=\"value\", label=~\"regex\" or label!~\"regex\"";
            return null;
        }

        var op = match.Groups["op"].Value switch
        {
            "=" => MatchOperator.Equal,
            "!=" => MatchOperator.NotEqual,
            "=~" => MatchOperator.Regex,
            _ => MatchOperator.NotRegex,
        };
        var raw = match.Groups["value"].Value.Trim();
        var value = raw.Length >= 2 && raw[0] == '"' && raw[^1] == '"' ? raw[1..^1].Replace("\\\"", "\"", StringComparison.Ordinal) : raw;
        var matcher = new Matcher(match.Groups["label"].Value, op, value);
        if (op is MatchOperator.Regex or MatchOperator.NotRegex)
        {
            try
            {
                _ = matcher.Pattern;
            }
            catch (ArgumentException ex)
            {
                error = $"\"{value}\" is not a valid regex: {ex.Message}";
                return null;
            }
        }

        error = null;
        return matcher;
    }

    private Regex Pattern => _regex ??= new Regex($"^(?:{Value})$", RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));

    private static string Symbol(MatchOperator op) => op switch
    {
        MatchOperator.Equal => "=",
        MatchOperator.NotEqual => "!=",
        MatchOperator.Regex => "=~",
        _ => "!~",
    };

    [GeneratedRegex("""^(?<label>[A-Za-z_][A-Za-z0-9_]*)\s*(?<op>=~|!~|!=|=)\s*(?<value>.*)$""")]
    private static partial Regex Syntax();
}
