using Analytics.Processors.Health;
using Analytics.Testing;

namespace Analytics.Processors.Tests.Health;

public sealed class HealthDocsTests
{
    [Fact]
    public void The_docs_list_every_metric_with_its_kind_unit_labels_and_meaning()
    {
        var rows = File.ReadAllLines(RepositoryRoot.Combine("docs", "observability.md"))
            .Where(l => l.StartsWith("| `", StringComparison.Ordinal))
            .Select(l => l.Trim('|').Split('|').Select(c => c.Trim()).ToArray())
            .Where(c => c.Length == 5)
            .ToDictionary(c => c[0].Trim('`'));

        Assert.Equal(HealthMetric.All.Select(m => m.Name), rows.Keys);
        Assert.All(HealthMetric.All, m => Assert.Equal(
            [m.Name, m.Kind.ToString().ToLowerInvariant(), m.Unit, m.Labels, m.Description],
            [rows[m.Name][0].Trim('`'), .. rows[m.Name][1..]]));
    }
}
