using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Analytics.IntegrationTests.Fixtures;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sinks.RowBinary;
using Analytics.Testing;

namespace Analytics.IntegrationTests.Pipeline;

/// <summary>
/// Runs every query of docs/queries.md on chDB against an hour of simulated traffic that ends a few
/// minutes ago, and checks each one's "-- expect:" lines: not empty, and plausible.
/// </summary>
[Collection(ChDbCollection.Name)]
public sealed partial class CookbookTests : IAsyncLifetime
{
    private const string Database = "cookbook";

    // xunit makes an instance per test case: seed the store once for all of them.
    private static readonly SemaphoreSlim Once = new(1, 1);
    private static bool _seeded;
    private readonly ChDbFixture _chdb;

    public CookbookTests(ChDbFixture chdb)
    {
        _chdb = chdb;
    }

    public static TheoryData<string> Queries()
    {
        var data = new TheoryData<string>();
        foreach (var (title, _) in Cookbook())
        {
            data.Add(title);
        }

        return data;
    }

    public async Task InitializeAsync()
    {
        await Once.WaitAsync();
        try
        {
            if (!_seeded)
            {
                await SeedAsync();
                _seeded = true;
            }
        }
        finally
        {
            Once.Release();
        }
    }

    private async Task SeedAsync()
    {
        await _chdb.CreateQoeDatabaseAsync(Database);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var simulation = SimulatedTraffic.WithAllKnobs(seed: 12, sessions: 200, TimeSpan.FromMinutes(60)) with
        {
            StartTimeMs = now - (now % 60_000) - (65 * 60_000),
        };
        var options = new ProcessorOptions();
        var outputs = new Dictionary<int, PartitionOutput>();
        var processors = new Dictionary<int, PartitionProcessor>();
        var offsets = new Dictionary<int, long>();
        foreach (var m in SimulatedTraffic.Deliver(simulation, partitions: 3))
        {
            if (!processors.TryGetValue(m.Partition, out var p))
            {
                outputs[m.Partition] = new PartitionOutput(options, "playback-events");
                processors[m.Partition] = p = new PartitionProcessor(new PartitionId("cookbook/playback-events", m.Partition), options, outputs[m.Partition]);
            }

            var offset = offsets.GetValueOrDefault(m.Partition);
            offsets[m.Partition] = offset + 1;
            p.Process(offset, 0, m.Key, m.Value);
        }

        foreach (var (partition, p) in processors)
        {
            p.Finish();
            foreach (var batch in outputs[partition].TakeBatches(0))
            {
                await _chdb.Connection.InsertAsync($"{Database}.{batch.Table}", RowLayout.Format, batch.InsertBody());
            }

        }

        foreach (var cube in Cube.All)
        {
            foreach (var view in new[] { $"qoe_{cube.Name}_1h_mv", $"qoe_{cube.Name}_1d_mv" })
            {
                await _chdb.Connection.ExecuteAsync($"SYSTEM REFRESH VIEW {Database}.{view}");
                await _chdb.Connection.ExecuteAsync($"SYSTEM WAIT VIEW {Database}.{view}");
            }
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public void The_cookbook_answers_at_least_twelve_questions()
        => Assert.True(Cookbook().Count >= 12, $"only {Cookbook().Count} queries in docs/queries.md");

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Every_cookbook_query_runs_and_gives_a_plausible_answer(string title)
    {
        var sql = Cookbook().Single(q => q.Title == title).Sql;
        var expectations = ExpectLine().Matches(sql).Select(m => m.Groups[1].Value.Trim()).ToList();
        Assert.NotEmpty(expectations);

        var output = await _chdb.Connection.QueryAsync($"USE {Database};\n{sql}", "JSONEachRow");
        var rows = System.Text.Encoding.UTF8.GetString(output).Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement).ToList();
        foreach (var expectation in expectations)
        {
            Check(expectation, rows, title);
        }
    }

    private static void Check(string expectation, List<JsonElement> rows, string title)
    {
        if (RowsRule().Match(expectation) is { Success: true } r)
        {
            var n = int.Parse(r.Groups[2].Value, CultureInfo.InvariantCulture);
            var ok = r.Groups[1].Value == "=" ? rows.Count == n : rows.Count >= n;
            Assert.True(ok, $"{title}: {rows.Count} rows, expected {expectation}");
            return;
        }

        Assert.NotEmpty(rows);
        if (BetweenRule().Match(expectation) is { Success: true } b)
        {
            var (low, high) = (Parse(b.Groups[2].Value), Parse(b.Groups[3].Value));
            foreach (var v in Values(rows, b.Groups[1].Value, title))
            {
                Assert.True(v >= low && v <= high, $"{title}: {b.Groups[1].Value} = {v}, expected {expectation}");
            }

            return;
        }

        if (GreaterRule().Match(expectation) is { Success: true } g)
        {
            var low = Parse(g.Groups[2].Value);
            Assert.True(Values(rows, g.Groups[1].Value, title).Any(v => v > low), $"{title}: no {g.Groups[1].Value} above {low}");
            return;
        }

        Assert.Fail($"{title}: cannot read the expectation \"{expectation}\"");
    }

    /// <summary>A column's non-null values; NaN (an empty ratio) counts as missing.</summary>
    private static IEnumerable<double> Values(List<JsonElement> rows, string column, string title)
    {
        foreach (var row in rows)
        {
            Assert.True(row.TryGetProperty(column, out var v), $"{title}: no column {column}");
            var value = v.ValueKind switch
            {
                JsonValueKind.Number => v.GetDouble(),
                JsonValueKind.String when double.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
                _ => double.NaN,
            };
            if (!double.IsNaN(value))
            {
                yield return value;
            }
        }
    }

    private static double Parse(string s) => double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static List<(string Title, string Sql)> Cookbook()
    {
        var path = FindUp("docs/queries.md");
        var text = File.ReadAllText(path);
        var result = new List<(string, string)>();
        foreach (Match m in QueryBlock().Matches(text))
        {
            result.Add((m.Groups[1].Value.Trim(), m.Groups[2].Value));
        }

        return result;
    }

    private static string FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"{relative} not found above {AppContext.BaseDirectory}");
    }

    [GeneratedRegex(@"^## (.+?)\n(?:(?!^## ).)*?```sql\n(.*?)```", RegexOptions.Singleline | RegexOptions.Multiline)]
    private static partial Regex QueryBlock();

    [GeneratedRegex(@"^-- expect: (.+)$", RegexOptions.Multiline)]
    private static partial Regex ExpectLine();

    [GeneratedRegex(@"^rows (>=|=) (\d+)$")]
    private static partial Regex RowsRule();

    [GeneratedRegex(@"^(\w+) between ([-\d.e]+) and ([-\d.e]+)$")]
    private static partial Regex BetweenRule();

    [GeneratedRegex(@"^(\w+) > ([-\d.e]+)$")]
    private static partial Regex GreaterRule();
}
