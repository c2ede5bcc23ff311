using System.Text;
using System.Text.Json;
using Analytics.Alerts.Actions;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Slices;
using Analytics.IntegrationTests.Fixtures;
using Analytics.Processors.Windows;
using Confluent.Kafka;
using Microsoft.Extensions.Logging.Abstractions;
using static Analytics.IntegrationTests.Fixtures.KafkaTestClients;

namespace Analytics.IntegrationTests.Alerting;

/// <summary>
/// cdn_steer end to end: an incident of a steering rule opens, and a consumer of the real (mock) Kafka topic
/// receives the steering command; the incident resolves, and it receives the undo, in order on the POP's
/// partition. In dry run nothing reaches the topic and the audit says what would have been sent.
/// </summary>
[Collection(ChDbCollection.Name)]
public sealed class CdnSteeringTests : IClassFixture<MockKafkaFixture>
{
    // 2040-01-15T12:00:00Z: in the future, so the fact tables' TTL (90 days) keeps the rows written for it.
    private const long Window = 2_210_241_600_000;
    private const string Rules = """
        groups:
          - name: delivery
            window: 1m
            rules:
              - name: PopOutage
                metric: vsf_rate
                by: [cdn, pop]
                condition: {threshold: {above: 0.3}}
                severity: P0
                actions:
                  - cdn_steer: {percent: 30, to: {cdn: akamai}, ttl: 30m}
        """;

    private readonly ChDbFixture _chdb;
    private readonly MockKafkaFixture _kafka;

    public CdnSteeringTests(ChDbFixture chdb, MockKafkaFixture kafka)
    {
        _chdb = chdb;
        _kafka = kafka;
    }

    [Fact]
    public async Task The_steering_service_receives_the_steer_then_its_undo()
    {
        var topic = _kafka.CreateTopic(partitions: 3);
        var database = await StoreAsync("steering_live");
        var options = _kafka.Options(topic);
        using var publisher = new KafkaSteeringPublisher(options, topic, NullLogger.Instance);
        await using var runner = await StartAsync(database, publisher, dryRun: false, topic);

        await runner.NotifyAsync([Change(IncidentChangeKind.Opened, 1)], CancellationToken.None);
        await runner.WhenIdleAsync();
        await runner.NotifyAsync([Change(IncidentChangeKind.Resolved, 4)], CancellationToken.None);
        await runner.WhenIdleAsync();

        using var consumer = Consumer(options);
        consumer.Assign(Enumerable.Range(0, 3).Select(p => new TopicPartitionOffset(topic, p, Offset.Beginning)));
        var records = ConsumeExactly(consumer, 2);
        Assert.All(records, r => Assert.Equal("iad-1", Text(r.Message.Key)));
        Assert.Single(records.Select(r => r.Partition.Value).Distinct());
        using var steer = JsonDocument.Parse(records[0].Message.Value);
        using var undo = JsonDocument.Parse(records[1].Message.Value);
        var s = steer.RootElement;
        Assert.Equal(
            (1, "INC-5e3e01/1/0", "steer", "INC-5e3e01", "oca", "iad-1", "akamai", 30),
            (s.GetProperty("version").GetInt32(), s.GetProperty("command_id").GetString(), s.GetProperty("action").GetString(),
             s.GetProperty("incident_id").GetString(), s.GetProperty("from").GetProperty("cdn").GetString(), s.GetProperty("from").GetProperty("pop").GetString(),
             s.GetProperty("to").GetProperty("cdn").GetString(), s.GetProperty("percent").GetInt32()));
        var issued = DateTimeOffset.Parse(s.GetProperty("issued_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        var expires = DateTimeOffset.Parse(s.GetProperty("expires_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(TimeSpan.FromMinutes(30), expires - issued);
        Assert.Contains("PopOutage", s.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var u = undo.RootElement;
        Assert.Equal(
            ("undo", "INC-5e3e01/4/0", "INC-5e3e01/1/0", JsonValueKind.Null),
            (u.GetProperty("action").GetString(), u.GetProperty("command_id").GetString(), u.GetProperty("undoes").GetString(), u.GetProperty("expires_at").ValueKind));

        var audit = await new ActionAudit(_chdb.Connection, database).HistoryAsync("INC-5e3e01", CancellationToken.None);
        Assert.Equal([ActionOutcome.Executed, ActionOutcome.Undone], audit.Select(d => d.Outcome));
        Assert.Equal(0.15, Math.Round(audit[0].SteeredShare, 6));
    }

    [Fact]
    public async Task In_dry_run_nothing_is_published_and_the_audit_says_what_would_have_been()
    {
        var topic = _kafka.CreateTopic(partitions: 3);
        var database = await StoreAsync("steering_dry");
        var options = _kafka.Options(topic);
        using var publisher = new KafkaSteeringPublisher(options, topic, NullLogger.Instance);
        await using var runner = await StartAsync(database, publisher, dryRun: true, topic);

        await runner.NotifyAsync([Change(IncidentChangeKind.Opened, 1)], CancellationToken.None);
        await runner.NotifyAsync([Change(IncidentChangeKind.Resolved, 4)], CancellationToken.None);
        await runner.WhenIdleAsync();

        Assert.Equal(0, HighWatermarkSum(options, topic, 3));
        var audit = await new ActionAudit(_chdb.Connection, database).HistoryAsync("INC-5e3e01", CancellationToken.None);
        Assert.Equal([ActionOutcome.DryRun, ActionOutcome.UndoDryRun], audit.Select(d => d.Outcome));
        Assert.Contains($"would publish steer to kafka topic {topic}", audit[0].Reason, StringComparison.Ordinal);
        Assert.Contains("\"to\":{\"cdn\":\"akamai\"}", audit[0].Params, StringComparison.Ordinal);
        Assert.Equal("DRY RUN cdn_steer: would move 30 % of pop iad-1 to cdn akamai (INC-5e3e01)", runner.Recent[0].Text);
    }

    [Fact]
    public async Task A_broker_that_does_not_answer_fails_the_action_without_holding_up_the_caller()
    {
        var database = await StoreAsync("steering_down");

        // Nothing listens on this port: the producer can never deliver.
        var options = _kafka.Options("cdn-steering-nowhere") with { BootstrapServers = "127.0.0.1:1" };
        using var publisher = new KafkaSteeringPublisher(options with { Properties = new Dictionary<string, string> { ["message.timeout.ms"] = "5000" } }, "cdn-steering", NullLogger.Instance);
        await using var runner = await StartAsync(database, publisher, dryRun: false, "cdn-steering");
        var audit = new ActionAudit(_chdb.Connection, database);

        // The decision is audited at once; the publish gives up 5 s later, off the caller's path.
        await runner.NotifyAsync([Change(IncidentChangeKind.Opened, 1)], CancellationToken.None);
        Assert.Equal(ActionOutcome.Executed, Assert.Single(await audit.HistoryAsync("INC-5e3e01", CancellationToken.None)).Outcome);
        await runner.WhenIdleAsync();

        var decision = Assert.Single(await audit.HistoryAsync("INC-5e3e01", CancellationToken.None));
        Assert.Equal(ActionOutcome.Failed, decision.Outcome);
        Assert.Contains("could not publish steering command INC-5e3e01/1/0", decision.Reason, StringComparison.Ordinal);
    }

    private async Task<string> StoreAsync(string name)
    {
        var database = await _chdb.CreateQoeDatabaseAsync(name);

        // iad-1 carries half the window's attempts: 30 % of it is 15 % of all traffic, within the default 20 %.
        var rows = new[] { ("oca", "iad-1", 500), ("akamai", "iad-2", 300), ("fastly", "lax-1", 200) }.Select(r => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["window_start"] = EventTime.Format(Window)[..19],
            ["cdn"] = r.Item1,
            ["pop"] = r.Item2,
            ["source"] = "test",
            ["attempts"] = r.Item3,
            ["version"] = 1,
        }));
        await _chdb.Connection.InsertAsync($"{database}.qoe_delivery_1m", "JSONEachRow", Encoding.UTF8.GetBytes(string.Join('\n', rows)));
        return database;
    }

    private async Task<ActionRunner> StartAsync(string database, ISteeringPublisher publisher, bool dryRun, string topic)
    {
        var rules = RuleSet.Parse([("rules.yaml", Rules)]).Set;
        var settings = ActionSettings.Default with { DryRun = dryRun, SteeringTopic = topic };
        var runner = new ActionRunner(settings, rules, _chdb.Connection, database, publisher, new HttpClient(), TimeProvider.System, NullLogger.Instance, _ => null);
        await runner.StartAsync(CancellationToken.None);
        return runner;
    }

    private static IncidentChange Change(IncidentChangeKind kind, int seq)
    {
        var incident = new Incident
        {
            Id = "INC-5e3e01",
            Key = "PopOutage/cdn=oca,pop=iad-1",
            Rule = "PopOutage",
            Severity = Severity.P0,
            Metric = "vsf_rate",
            Slice = Slice.Parse("cdn=oca,pop=iad-1"),
            Title = "VSF 50 % at CDN oca, POP iad-1 since 12:00",
            Status = kind == IncidentChangeKind.Resolved ? IncidentStatus.Resolved : IncidentStatus.Triggered,
            LastWindowMs = Window,
            Seq = seq,
        };
        return new IncidentChange(kind, incident, seq, Notify: true, Muted: false, Window, TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds(), "auto", "");
    }
}
