using System.Text.Json;
using Analytics.Dashboards.Tests.Grafana;
using Analytics.Processors.ClickHouse;

namespace Analytics.Dashboards.Tests;

/// <summary>
/// Every variable's and every panel's SQL, macros expanded as the plugin does and variables set to the
/// values their own queries return, runs on chDB over the seeded store, returns rows and the columns its
/// panel type needs.
/// </summary>
[Collection(SeededStoreCollection.Name)]
public sealed class DashboardQueryTests
{
    // The NOC wall's resolution; panels declare it as their minimum interval.
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(10);

    private readonly SeededStore _store;

    public DashboardQueryTests(SeededStore store) => _store = store;

    public static TheoryData<string> Dashboards => Dashboard.Names();

    [Theory]
    [MemberData(nameof(Dashboards))]
    public async Task Every_variable_and_panel_query_runs_and_returns_what_its_panel_needs(string name)
    {
        var failures = await RunEveryQueryAsync(Dashboard.Load(name), new MacroExpander(_store.From, _store.To, Interval), new Dictionary<string, IReadOnlyList<string>>());
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    // The drill-down picks its table by the time range; the seeded range picks the 1 min one, so
    // each rollup is also run with the variables set as a longer range sets them.
    [Theory]
    [InlineData("1m", "window_start", "concurrent_plays")]
    [InlineData("1h", "hour", "peak_concurrent_plays")]
    [InlineData("1d", "day", "peak_concurrent_plays")]
    public async Task The_drill_down_runs_on_each_rollup(string grain, string timeColumn, string concurrencyColumn)
    {
        var preset = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal)
        {
            ["grain"] = [grain],
            ["time_column"] = [timeColumn],
            ["concurrency_column"] = [concurrencyColumn],
        };

        // The rollups hold whole hours and days: a range that covers the seeded ones.
        var from = new DateTimeOffset(_store.From.UtcDateTime.Date, TimeSpan.Zero);
        var failures = await RunEveryQueryAsync(Dashboard.Load("qoe-drilldown.json"), new MacroExpander(from, from.AddDays(1), TimeSpan.FromMinutes(1)), preset);
        Assert.True(failures.Count == 0, string.Join('\n', failures));
    }

    [Theory]
    [InlineData(6, "1m", "window_start")]
    [InlineData(48, "1m", "window_start")]
    [InlineData(7 * 24, "1h", "hour")]
    [InlineData(90 * 24, "1d", "day")]
    public async Task The_drill_down_reads_the_rollup_the_time_range_asks_for(int hours, string grain, string timeColumn)
    {
        var dashboard = Dashboard.Load("qoe-drilldown.json");
        var macros = new MacroExpander(_store.To.AddHours(-hours), _store.To, Interval);
        async Task<string> ChoiceAsync(string variable)
            => (await RunAsync(macros.Expand(dashboard.Variables.Single(v => v.Name == variable).Sql!))).Rows.Single()[0].GetString()!;

        Assert.Equal(grain, await ChoiceAsync("grain"));
        Assert.Equal(timeColumn, await ChoiceAsync("time_column"));
    }

    // Every variable (those not preset), then every panel and annotation query; returns what failed.
    private async Task<List<string>> RunEveryQueryAsync(Dashboard dashboard, MacroExpander macros, IReadOnlyDictionary<string, IReadOnlyList<string>> preset)
    {
        var values = new Dictionary<string, IReadOnlyList<string>>(preset, StringComparer.Ordinal);
        var failures = new List<string>();

        // Each variable once those its query names have values, as Grafana resolves chained variables
        // (a POP list that follows the CDN chosen), whatever their order in the file.
        foreach (var variable in ResolutionOrder(dashboard.Variables.Where(v => v.Sql is not null && !preset.ContainsKey(v.Name)).ToList(), failures, preset.Keys))
        {
            var result = await TryRunAsync(macros.Expand(TemplateVariables.Interpolate(variable.Sql!, values)), failures, $"variable {variable.Name}");
            values[variable.Name] = result.Rows.Select(r => r[0].ToString()).ToList();
            if (result.Rows.Count == 0)
            {
                failures.Add($"variable {variable.Name}: no values");
            }
        }

        var queries = dashboard.Queries.ToList();
        Assert.NotEmpty(queries);
        foreach (var query in queries)
        {
            var result = await TryRunAsync(macros.Expand(TemplateVariables.Interpolate(query.Sql, values)), failures, $"panel {query.PanelId}");
            failures.AddRange(ResultShape.Problems(query.PanelType, result).Select(p => $"panel {query.PanelId} '{query.Title}': {p}"));
            failures.AddRange(query.FieldsNamed.Where(f => result.Columns.Count > 0 && result.Columns.All(c => c.Name != f))
                .Select(f => $"panel {query.PanelId} '{query.Title}': an override names {f}, which the query does not return"));
        }

        foreach (var annotation in dashboard.Annotations)
        {
            var result = await TryRunAsync(macros.Expand(TemplateVariables.Interpolate(annotation.Sql, values)), failures, $"annotation {annotation.Name}");
            failures.AddRange(ResultShape.AnnotationProblems(result).Select(p => $"annotation '{annotation.Name}': {p}"));
        }

        return failures;
    }

    [Fact]
    public void A_chained_variable_is_resolved_after_the_one_it_names_whatever_the_order()
    {
        var failures = new List<string>();
        var order = ResolutionOrder(
            [new Variable("pop", "query", "SELECT pop FROM t WHERE cdn IN (${cdn:singlequote})"), new Variable("cdn", "query", "SELECT cdn FROM t")],
            failures);

        Assert.Equal(["cdn", "pop"], order.Select(v => v.Name));
        Assert.Empty(failures);
    }

    [Fact]
    public void A_variable_cycle_is_reported()
    {
        var failures = new List<string>();
        var order = ResolutionOrder(
            [new Variable("a", "query", "SELECT x FROM t WHERE y IN ($b)"), new Variable("b", "query", "SELECT y FROM t WHERE x IN ($a)")],
            failures);

        Assert.Empty(order);
        Assert.Equal(["variables a, b name each other or an undefined variable"], failures);
    }

    // The variables with queries, each after every variable its query names.
    private static List<Variable> ResolutionOrder(List<Variable> variables, List<string> failures, IEnumerable<string>? known = null)
    {
        var ordered = new List<Variable>();
        var resolved = new HashSet<string>(known ?? [], StringComparer.Ordinal);
        var pending = variables.ToList();
        while (pending.Count > 0)
        {
            var ready = pending.Where(v => TemplateVariables.Referenced(v.Sql!).All(resolved.Contains)).ToList();
            if (ready.Count == 0)
            {
                failures.Add($"variables {string.Join(", ", pending.Select(v => v.Name))} name each other or an undefined variable");
                break;
            }

            foreach (var v in ready)
            {
                ordered.Add(v);
                resolved.Add(v.Name);
                pending.Remove(v);
            }
        }

        return ordered;
    }

    // A failing query is recorded, not thrown, so that one run reports every broken panel.
    private async Task<QueryResult> TryRunAsync(string sql, List<string> failures, string what)
    {
        try
        {
            return await RunAsync(sql);
        }
        catch (ClickHouseServerException e)
        {
            failures.Add($"{what}: {e.Message}");
            return new QueryResult([], []);
        }
    }

    private async Task<QueryResult> RunAsync(string sql)
    {
        var output = await _store.Connection.QueryAsync(sql, "JSONCompact");
        using var doc = JsonDocument.Parse(output);
        var columns = doc.RootElement.GetProperty("meta").EnumerateArray()
            .Select(c => new QueryColumn(c.GetProperty("name").GetString()!, c.GetProperty("type").GetString()!))
            .ToList();
        var rows = doc.RootElement.GetProperty("data").EnumerateArray()
            .Select(r => r.EnumerateArray().Select(v => v.Clone()).ToList())
            .ToList();
        return new QueryResult(columns, rows);
    }
}
