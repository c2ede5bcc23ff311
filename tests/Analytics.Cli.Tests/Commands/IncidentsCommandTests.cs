using Analytics.Alerts.Incidents;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Slices;
using Analytics.Processors.ClickHouse;

namespace Analytics.Cli.Tests.Commands;

/// <summary><c>analytics incidents</c> in-process against an embedded store at a temporary --data-dir.</summary>
[Collection(EmbeddedStoreCollection.Name)]
public sealed class IncidentsCommandTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("incidents-tests-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task List_ack_show_and_silence_work_on_the_store()
    {
        Assert.Equal(0, (await Incidents("list")).Code);
        var id = await SeedAsync();

        var list = await Incidents("list", "--open", "--severity", "P1");
        Assert.Equal(0, list.Code);
        var lines = list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, l => Assert.True(l.Length <= 80, l));
        Assert.StartsWith(id, lines[1], StringComparison.Ordinal);
        Assert.Contains("triggered", lines[1], StringComparison.Ordinal);

        Assert.Equal(0, (await Incidents("ack", id, "--by", "alice")).Code);
        Assert.Contains("acknowledged", (await Incidents("list")).Output, StringComparison.Ordinal);
        var show = await Incidents("show", id);
        Assert.Contains("opened", show.Output, StringComparison.Ordinal);
        Assert.Contains("acknowledged by alice", show.Output, StringComparison.Ordinal);

        var silence = await Incidents("silence", "--match", "pop=iad-2", "--for", "2h", "--comment", "maintenance");
        Assert.Equal(0, silence.Code);
        Assert.StartsWith("SIL-", silence.Output, StringComparison.Ordinal);

        var missing = await Incidents("resolve", "INC-000000");
        Assert.Equal(1, missing.Code);
        Assert.Contains("There is no incident INC-000000", missing.Error, StringComparison.Ordinal);
    }

    private async Task<string> SeedAsync()
    {
        var changes = new IncidentManager(new IncidentOptions(), TimeProvider.System).ProcessWindow(0, 60_000, [new AlertSignal(
            "vsf", Severity.P1, "vsf_rate", Slice.Parse("cdn=oca,pop=iad-2"), 1_700_000_040_000, 60_000, AlertState.Firing, 0.46, 0.02, 0.05, 1000,
            new Dictionary<string, string>(), new Dictionary<string, string> { ["summary"] = "VSF 46 % at CDN oca, POP iad-2 since 14:02" })]);
        await using var db = await ChDbConnection.OpenAsync(new ChDbOptions { Path = _dir });
        await new IncidentStore(db, "analytics").SaveAsync(changes);
        return changes[0].Incident.Id;
    }

    private Task<CliResult> Incidents(params string[] args) => CliRun.InvokeAsync(["--data-dir", _dir, "incidents", .. args]);
}
