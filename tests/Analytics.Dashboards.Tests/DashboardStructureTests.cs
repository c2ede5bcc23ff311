using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Analytics.Dashboards.Tests.Grafana;

namespace Analytics.Dashboards.Tests;

/// <summary>
/// What Grafana would reject or silently break in a dashboard file, checked on the JSON model. The
/// full @grafana/schema validation is not done here.
/// </summary>
public sealed partial class DashboardStructureTests
{
    private const int GridColumns = 24;

    public static TheoryData<string> Dashboards => Dashboard.Names();

    [Fact]
    public void The_noc_overview_is_among_the_dashboards()
        => Assert.Contains("noc-overview.json", Dashboard.FileNames());

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Has_the_current_model_and_identity(string name)
    {
        var root = Dashboard.Load(name).Root;
        Assert.True((int)root["schemaVersion"]! >= 39, "schemaVersion below 39");
        Assert.False(string.IsNullOrWhiteSpace((string?)root["uid"]));
        Assert.False(string.IsNullOrWhiteSpace((string?)root["title"]));
        Assert.NotEmpty(root["tags"]!.AsArray());
        Assert.NotNull(root["time"]?["from"]);
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Panel_ids_are_unique(string name)
    {
        var ids = Dashboard.Load(name).Panels.Select(p => (int)p["id"]!).ToList();
        Assert.NotEmpty(ids);
        Assert.Equal(ids.Count, ids.Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Panels_fit_the_grid_and_do_not_overlap(string name)
    {
        var boxes = Dashboard.Load(name).Panels.Select(p => (Id: (int)p["id"]!, Box: Box(p["gridPos"]!))).ToList();
        foreach (var (id, box) in boxes)
        {
            Assert.True(box.X >= 0 && box.Y >= 0 && box.W > 0 && box.H > 0 && box.X + box.W <= GridColumns, $"panel {id} is off the grid");
        }

        var overlaps = from a in boxes
                       from b in boxes
                       where a.Id < b.Id && a.Box.Overlaps(b.Box)
                       select $"{a.Id}/{b.Id}";
        Assert.Empty(overlaps);
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_variable_a_query_uses_is_defined(string name)
    {
        var dashboard = Dashboard.Load(name);
        var defined = dashboard.Variables.Select(v => v.Name).ToHashSet(StringComparer.Ordinal);
        var sqls = dashboard.Queries.Select(q => q.Sql).Concat(dashboard.Variables.Select(v => v.Sql ?? "")).Concat(dashboard.Annotations.Select(a => a.Sql));
        var undefined = sqls.SelectMany(TemplateVariables.Referenced).Where(v => !defined.Contains(v)).Distinct();
        Assert.Empty(undefined);
    }

    [Theory]
    [MemberData(nameof(Dashboards))]
    public void Every_datasource_is_the_provisioned_clickhouse_or_grafana_itself(string name)
    {
        var provisioned = ProvisionedUid();
        var refs = Dashboard.Load(name).DatasourceRefs.ToList();
        Assert.NotEmpty(refs);
        var foreign = refs
            .Where(r => (string?)r["type"] != "grafana")
            .Where(r => (string?)r["type"] != "grafana-clickhouse-datasource" || (string?)r["uid"] != provisioned)
            .Select(r => r.ToJsonString());
        Assert.Empty(foreign);
    }

    [Fact]
    public void The_provisioned_datasource_is_the_clickhouse_plugin_over_http()
    {
        var yaml = File.ReadAllText(Path.Combine(Dashboard.Folder, "provisioning", "datasources", "clickhouse.yaml"));
        Assert.Contains("type: grafana-clickhouse-datasource", yaml, StringComparison.Ordinal);
        Assert.Contains("protocol: http", yaml, StringComparison.Ordinal);
        Assert.Contains("defaultDatabase: analytics", yaml, StringComparison.Ordinal);
        Assert.Matches(@"password: \$\{\w+\}", yaml);
    }

    // A line match is enough for the one-datasource file; a YAML parser is not worth a dependency here.
    [GeneratedRegex(@"^\s*uid:\s*(\S+)\s*$", RegexOptions.Multiline)]
    private static partial Regex Uid();

    private static string ProvisionedUid()
    {
        var yaml = File.ReadAllText(Path.Combine(Dashboard.Folder, "provisioning", "datasources", "clickhouse.yaml"));
        return Assert.Single(Uid().Matches(yaml)).Groups[1].Value;
    }

    private static GridBox Box(JsonNode pos) => new((int)pos["x"]!, (int)pos["y"]!, (int)pos["w"]!, (int)pos["h"]!);

    private readonly record struct GridBox(int X, int Y, int W, int H)
    {
        public bool Overlaps(GridBox o) => X < o.X + o.W && o.X < X + W && Y < o.Y + o.H && o.Y < Y + H;
    }
}
