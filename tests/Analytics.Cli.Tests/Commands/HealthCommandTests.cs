using Analytics.Processors.ClickHouse;
using Analytics.Processors.Health;
using Analytics.Processors.Sinks;

namespace Analytics.Cli.Tests.Commands;

/// <summary><c>analytics health</c> in-process against an embedded store at a temporary --data-dir.</summary>
[Collection(EmbeddedStoreCollection.Name)]
public sealed class HealthCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("health-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_recent_sample_is_healthy_an_old_one_or_none_is_not()
    {
        await SeedAsync(("p-1", TimeSpan.FromSeconds(5), 120), ("p-2", TimeSpan.FromMinutes(10), 0));

        var fresh = await Health("--instance", "p-1", "--group", "g");
        Assert.Equal(0, fresh.Code);
        Assert.StartsWith("healthy: processor p-1 (group g) wrote its figures", fresh.Output, StringComparison.Ordinal);
        Assert.Contains("lag 120 messages", fresh.Output, StringComparison.Ordinal);

        var stale = await Health("--instance", "p-2", "--group", "g");
        Assert.Equal(1, stale.Code);
        Assert.Contains("last wrote its figures 10m ago (limit 30s)", stale.Output, StringComparison.Ordinal);
        Assert.Equal(0, (await Health("--instance", "p-2", "--group", "g", "--max-age", "15m")).Code);

        var unknown = await Health("--instance", "p-3", "--group", "g");
        Assert.Equal(1, unknown.Code);
        Assert.Contains("has written no figures in the last day", unknown.Output, StringComparison.Ordinal);
        Assert.All(new[] { fresh, stale, unknown }, r => Assert.True(r.Output.TrimEnd().Length <= 80 * 2, r.Output));
    }

    [Fact]
    public async Task A_bad_max_age_says_what_it_takes()
    {
        await SeedAsync();
        var result = await Health("--max-age", "soon");
        Assert.Equal(2, result.Code);
        Assert.Contains("--max-age", result.Error, StringComparison.Ordinal);
    }

    private async Task SeedAsync(params (string Instance, TimeSpan Ago, double Lag)[] samples)
    {
        await using var db = await ChDbConnection.OpenAsync(new ChDbOptions { Path = _dir });
        await new SchemaMigrator(db).MigrateAsync("analytics", QoeTables.Migrations);
        foreach (var (instance, ago, lag) in samples)
        {
            var at = DateTimeOffset.UtcNow.Subtract(ago).ToUnixTimeMilliseconds();
            await new PipelineHealthStore(db, "analytics", "g", instance).SaveAsync(at, [new HealthSample(HealthMetric.ConsumerLag.Name, 0, "", lag), new HealthSample(HealthMetric.Events.Name, 0, "", 7)], CancellationToken.None);
        }
    }

    private Task<CliResult> Health(params string[] args) => CliRun.InvokeAsync(["--data-dir", _dir, "health", .. args]);
}

/// <summary>chDB opens one path per process at a time: the tests that use one take turns.</summary>
[CollectionDefinition(Name)]
public sealed class EmbeddedStoreCollection
{
    public const string Name = "embedded store";
}
