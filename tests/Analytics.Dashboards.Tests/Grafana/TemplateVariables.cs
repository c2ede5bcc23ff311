using System.Text.RegularExpressions;

namespace Analytics.Dashboards.Tests.Grafana;

/// <summary>
/// Grafana's template variable references in a query (<c>$var</c>, <c>${var}</c>, <c>${var:format}</c>),
/// and their interpolation as Grafana does it before the query reaches the plugin.
/// </summary>
internal static partial class TemplateVariables
{
    [GeneratedRegex(@"\$\{(\w+)(?::(\w+))?\}|\$(\w+)")]
    private static partial Regex Reference();

    /// <summary>The user variables a query names; <c>$__…</c> are Grafana's built-ins or the plugin's macros.</summary>
    public static IEnumerable<string> Referenced(string sql)
        => Reference().Matches(sql).Select(NameOf).Where(n => !IsBuiltIn(n)).Distinct();

    /// <summary>Replaces every user variable by its values, formatted as the reference asks.</summary>
    public static string Interpolate(string sql, IReadOnlyDictionary<string, IReadOnlyList<string>> values)
        => Reference().Replace(sql, m =>
        {
            var name = NameOf(m);
            if (IsBuiltIn(name))
            {
                return m.Value;
            }

            var list = values.TryGetValue(name, out var v) ? v : throw new KeyNotFoundException($"no value for ${name}");
            return m.Groups[2].Value switch
            {
                "singlequote" => string.Join(',', list.Select(x => "'" + x.Replace("'", "\\'", StringComparison.Ordinal) + "'")),
                "" or "raw" or "csv" => string.Join(',', list),
                var format => throw new NotSupportedException($"format {format} of ${name}"),
            };
        });

    private static string NameOf(Match m) => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[3].Value;

    private static bool IsBuiltIn(string name) => name.StartsWith("__", StringComparison.Ordinal);
}
