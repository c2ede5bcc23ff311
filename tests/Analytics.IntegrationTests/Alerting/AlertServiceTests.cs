using Analytics.Alerts.Evaluation;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Rules;
using Analytics.Ingest.Simulator;
using Analytics.IntegrationTests.Fixtures;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Pipeline.Replay;
using Analytics.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.IntegrationTests.Alerting;

/// <summary>
/// The alert evaluator over the real pipeline: a POP outage injected by the simulator becomes one
/// P0 incident naming the POP, which resolves after the outage; judging again after a restart
/// opens nothing new.
/// </summary>
[Collection(ChDbCollection.Name)]
public sealed class AlertServiceTests
{
    private const string Rules = """
        groups:
          - name: delivery
            window: 1m
            rules:
              - name: PopStartFailures
                metric: vsf_rate
                by: [cdn, pop]
                condition:
                  threshold: {above: 0.30, clear_below: 0.10, for: 1}
                min_volume: 5
                severity: P0
                annotations:
                  summary: "VSF {{ value | percent }} at CDN {{ cdn }}, POP {{ pop }} since {{ since }}"
        """;

    private readonly ChDbFixture _chdb;

    public AlertServiceTests(ChDbFixture chdb) => _chdb = chdb;

    private IClickHouseConnection Db => _chdb.Connection;

    [Fact]
    public async Task A_pop_outage_opens_one_incident_naming_the_pop_which_resolves_and_a_restart_opens_nothing_new()
    {
        var start = SimulatedTraffic.RecentStartMs + (19 * 3_600_000L);
        var db = await _chdb.CreateQoeDatabaseAsync("alerting_outage");
        var simulation = new SimulatorOptions
        {
            Seed = 3,
            StartTimeMs = start,
            ConcurrentSessions = 2500,
            Duration = TimeSpan.FromMinutes(24),
            Incidents = ["pop-outage:pop=iad-1,at=12m,for=5m,rate=0.9"],
        };
        await ReplayAsync(simulation, db);
        var rules = WriteRules();
        var options = new AlertOptions { ConsumerGroup = "alerting-test", Evaluator = "test", Lookback = TimeSpan.FromHours(1) };

        var first = new RecordingNotifier();
        using (var service = new AlertService(options, RuleSet.Load([rules]), new IncidentOptions(), Db, db, [first], TimeProvider.System, NullLogger.Instance))
        {
            await service.StartAsync(CancellationToken.None);
            service.StartAt(start + (8 * 60_000));
            Assert.True(await service.StepAsync(CancellationToken.None) > 10);
        }

        var opened = first.Received.Where(n => n.Change.Kind == IncidentChangeKind.Opened).ToList();
        var incident = Assert.Single(opened).Incident;
        Assert.Equal(Severity.P0, incident.Severity);
        Assert.Equal("iad-1", incident.Slice["pop"]);
        Assert.Equal("oca", incident.Slice["cdn"]);
        Assert.Contains("POP iad-1", incident.Title, StringComparison.Ordinal);

        // Opened within two windows of the outage's start, and resolved after it ended.
        var openedIn = opened[0].Change.WindowStartMs!.Value;
        Assert.InRange(openedIn, start + (12 * 60_000), start + (14 * 60_000));
        var resolved = Assert.Single(first.Received, n => n.Change.Kind == IncidentChangeKind.Resolved);
        Assert.True(resolved.Change.WindowStartMs >= start + (17 * 60_000));

        // A restart restores from the tables and judges nothing twice.
        var second = new RecordingNotifier();
        using (var service = new AlertService(options, RuleSet.Load([rules]), new IncidentOptions(), Db, db, [second], TimeProvider.System, NullLogger.Instance))
        {
            await service.StartAsync(CancellationToken.None);
            Assert.Equal(0, await service.StepAsync(CancellationToken.None));
        }

        Assert.DoesNotContain(second.Received, n => n.Change.Kind is IncidentChangeKind.Opened or IncidentChangeKind.Reopened);
        var stored = await new IncidentStore(Db, db).ListAsync(openOnly: false, severity: null);
        Assert.Equal(incident.Id, Assert.Single(stored).Id);
    }

    private static string WriteRules()
    {
        var path = Path.Combine(Path.GetTempPath(), $"analytics-rules-{Guid.NewGuid():N}.yaml");
        File.WriteAllText(path, Rules);
        return path;
    }

    private async Task ReplayAsync(SimulatorOptions simulation, string db)
    {
        const int Partitions = 4;
        var messages = TrafficGenerator.Generate(simulation)
            .Select(m => new ReplayMessage(ReplayPipeline.PartitionOf(m.Key, Partitions), m.Key, m.Value, m.DeliveryTimeMs));
        var count = await ReplayPipeline.IntoClickHouseAsync(
            messages, new ProcessorOptions { Workers = 2 }, Db, db, "test/replay", Partitions, "alerting-test", null, NullLogger.Instance, CancellationToken.None);
        Assert.True(count > 100_000, $"only {count} beacons");
    }
}
