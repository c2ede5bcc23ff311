using Analytics.Alerts.Incidents;
using Analytics.Processors.ClickHouse;
using static Analytics.Alerts.Tests.Incidents.IncidentFixtures;

namespace Analytics.Alerts.Tests.Incidents;

/// <summary>The incident tables on embedded chDB.</summary>
public sealed class IncidentStoreTests : IAsyncLifetime
{
    private const string Database = "incident_store_tests";
    private ChDbConnection _db = null!;

    public async Task InitializeAsync() => _db = await TestStore.OpenAsync(Database);

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task A_restored_manager_continues_without_duplicates_and_sees_operator_actions()
    {
        var options = new IncidentOptions();
        var (first, clock) = Manager(options);
        var store = new IncidentStore(_db, Database, clock);
        var opened = first.ProcessWindow(W(0), WindowMs, [Firing("cdn=oca,pop=iad-2", 0), Firing("isp=comcast", 0, labels: new Dictionary<string, string> { ["pop"] = "iad-2", ["cdn"] = "oca" })]);
        await store.SaveAsync(opened);
        await store.SaveAsync(first.ProcessWindow(W(1), WindowMs, [Firing("cdn=oca,pop=iad-2", 1)]));
        await store.SaveAsync(opened); // a replayed write
        var id = opened[0].Incident.Id;

        var second = new IncidentManager(options, clock);
        second.ReadState(await store.LoadAsync(options, first.LastWindowMs)); // the service stores its last window

        Assert.Equal(W(1), second.LastWindowMs);
        Assert.Empty(second.ProcessWindow(W(1), WindowMs, [Firing("cdn=oca,pop=iad-2", 1)]));
        var restored = Assert.Single(second.Incidents);
        Assert.Equal((id, 1), (restored.Id, restored.NotifyCount));
        Assert.Equal(["vsf/isp=comcast"], restored.Symptoms);
        Assert.DoesNotContain(second.ProcessWindow(W(2), WindowMs, [Firing("cdn=oca,pop=iad-2", 2)]), c => c.Kind == IncidentChangeKind.Opened);

        var events = await store.EventsAsync(id);
        Assert.Equal(events.Count, events.Select(e => (e.Source, e.Seq)).Distinct().Count());
        Assert.Equal(["opened", "symptom"], events.Select(e => e.Kind));

        // An acknowledgement from the CLI stops the service's repeats.
        clock.Advance(TimeSpan.FromSeconds(1));
        var since = clock.GetUtcNow().ToUnixTimeMilliseconds() - 1;
        var acked = await store.RecordOperatorActionAsync(id, IncidentChangeKind.Acknowledged, "alice");
        Assert.Equal(IncidentStatus.Acknowledged, acked.Status);
        var action = Assert.Single(await store.ReadOperatorActionsAsync(since));
        await store.SaveAsync(second.Apply(action));
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Empty(second.Tick());
        Assert.Equal(IncidentStatus.Acknowledged, (await store.GetAsync(id)).Status);
    }

    [Fact]
    public async Task Silences_round_trip_with_their_schedule()
    {
        var (_, clock) = Manager();
        var store = new IncidentStore(_db, Database, clock);
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        var matchers = Silence.ParseMatchers(["pop=iad-2", "cdn=oca"]);
        var silence = new Silence(Silence.IdFor(matchers, now, now + 7_200_000, null), matchers, now, now + 7_200_000)
        {
            Schedule = MaintenanceSchedule.Parse("weekly sat 02:00 2h"),
            Comment = "planned",
        };

        await store.AddSilenceAsync(silence);
        await store.AddSilenceAsync(silence);

        var read = Assert.Single(await store.ReadSilencesAsync());
        Assert.Equal((silence.Id, "iad-2", "weekly sat 02:00 2h", "planned"), (read.Id, read.Matchers["pop"], read.Schedule!.ToString(), read.Comment));
    }
}
