using System.Globalization;
using System.Text;

namespace Analytics.Alerts.Rules.Templates;

/// <summary>
/// A parsed annotation such as <c>VSF {{ value | percent }} at {{ pop }} since {{ since }}</c>: literal text and
/// <c>{{ name | filter }}</c> placeholders. Parsing never throws; it reports problems so the rule
/// checker can point at them. Rendering looks the names up in a <see cref="TemplateValues"/>.
/// </summary>
internal sealed class AnnotationTemplate
{
    /// <summary>The filters a placeholder may apply.</summary>
    public static IReadOnlyList<string> Filters { get; } = ["percent", "ms", "round"];

    private readonly List<(string? Text, string? Name, string? Filter)> _parts;

    private AnnotationTemplate(string source, List<(string?, string?, string?)> parts)
    {
        Source = source;
        _parts = parts;
    }

    public string Source { get; }

    /// <summary>Every placeholder name, in order.</summary>
    public IEnumerable<string> Names => _parts.Where(p => p.Name is not null).Select(p => p.Name!);

    /// <summary>
    /// Parses <paramref name="source"/>; each problem (unclosed braces, unknown name or filter) goes to
    /// <paramref name="problems"/>. Names must be in <paramref name="known"/>.
    /// </summary>
    public static AnnotationTemplate Parse(string source, IReadOnlyCollection<string> known, ICollection<string> problems)
    {
        var parts = new List<(string?, string?, string?)>();
        var at = 0;
        while (at < source.Length)
        {
            var open = source.IndexOf("{{", at, StringComparison.Ordinal);
            if (open < 0)
            {
                parts.Add((source[at..], null, null));
                break;
            }

            parts.Add((source[at..open], null, null));
            var close = source.IndexOf("}}", open + 2, StringComparison.Ordinal);
            if (close < 0)
            {
                problems.Add($"the placeholder at \"{source[open..]}\" has no closing }}}}");
                break;
            }

            var inner = source[(open + 2)..close].Split('|', StringSplitOptions.TrimEntries);
            var name = inner[0];
            var filter = inner.Length > 1 ? inner[1] : null;
            if (!known.Contains(name))
            {
                problems.Add($"unknown placeholder {{{{ {name} }}}}; known: {string.Join(", ", known)}");
            }

            if (inner.Length > 2 || (filter is not null && !Filters.Contains(filter)))
            {
                problems.Add($"unknown filter \"{string.Join(" | ", inner.Skip(1))}\" in {{{{ {name} }}}}; use one of {string.Join(", ", Filters)}");
            }

            parts.Add((null, name, filter));
            at = close + 2;
        }

        return new AnnotationTemplate(source, parts);
    }

    public string Render(TemplateValues values)
    {
        var text = new StringBuilder();
        foreach (var (literal, name, filter) in _parts)
        {
            text.Append(literal ?? Format(values.Get(name!), filter));
        }

        return text.ToString();
    }

    /// <summary>Numbers print in invariant culture; a missing value prints as n/a rather than failing an alert.</summary>
    private static string Format(object? value, string? filter) => (value, filter) switch
    {
        (null, _) => "n/a",
        (double d, "percent") => (d * 100).ToString(Math.Abs(d) < 0.1 ? "0.##" : "0.#", CultureInfo.InvariantCulture) + " %",
        (double d, "ms") => Math.Abs(d) >= 10_000
            ? (d / 1000).ToString("0.#", CultureInfo.InvariantCulture) + " s"
            : Math.Round(d).ToString("0", CultureInfo.InvariantCulture) + " ms",
        (double d, "round") => Math.Round(d).ToString("#,0", CultureInfo.InvariantCulture),
        (double d, _) => d.ToString("0.####", CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
