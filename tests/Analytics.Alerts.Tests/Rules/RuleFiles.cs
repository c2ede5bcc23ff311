using Analytics.Alerts.Rules;
using Analytics.Testing;

namespace Analytics.Alerts.Tests.Rules;

/// <summary>The repository's rule pack and fixtures, and rule texts parsed in memory.</summary>
internal static class RuleFiles
{
    public static string Root => RepositoryRoot.Path;

    public static string Pack => Path.Combine(Root, "alerts", "rules", "qoe.yaml");

    public static IReadOnlyList<string> Fixtures => [.. Directory.GetFiles(Path.Combine(Root, "alerts", "rules", "tests"), "*.yaml").Order(StringComparer.Ordinal)];

    /// <summary>Parses one rule file given as text, named rules.yaml for positions.</summary>
    public static (RuleSet Set, IReadOnlyList<RuleProblem> Problems) Parse(string text, string file = "rules.yaml")
        => RuleSet.Parse([(file, text)]);

    /// <summary>A group of one 1m rule, with the rule body indented under "- ".</summary>
    public static string OneRule(string body, string window = "1m")
        => "groups:\n  - name: g\n    window: " + window + "\n    rules:\n      - " + string.Join("\n        ", body.Trim().Split('\n')) + "\n";
}
