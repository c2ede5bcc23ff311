using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Rules;

/// <summary>
/// Finds rules that would page twice for one problem: same metric, window, <c>by</c> set and kind of
/// condition, with <c>where</c> filters that can match the same slice.
/// </summary>
internal static class RuleOverlaps
{
    public static IEnumerable<RuleProblem> Find(IReadOnlyList<AlertRule> rules)
    {
        for (var i = 0; i < rules.Count; i++)
        {
            for (var j = 0; j < i; j++)
            {
                var (a, b) = (rules[j], rules[i]);
                if (a.Metric == b.Metric && a.WindowMs == b.WindowMs && a.By.SequenceEqual(b.By)
                    && a.Condition.Kind == b.Condition.Kind && Overlap(a.Where, b.Where))
                {
                    var by = b.By.Count == 0 ? "globally" : $"by {string.Join(",", b.By)}";
                    yield return new(b.Position.File, b.Position.Line, b.Position.Column,
                        $"rules {a.Name} ({a.Position}) and {b.Name} ({b.Position}) both judge {b.Metric.Name} {by} with a {b.Condition.Kind}; "
                        + "merge them or give them disjoint where filters",
                        IsError: false);
                }
            }
        }
    }

    /// <summary>Two equality filters match a common slice unless they name a dimension with different values.</summary>
    private static bool Overlap(Slice a, Slice b) => a.Dimensions.All(d => b[d.Key] is not { } v || v == d.Value);
}
