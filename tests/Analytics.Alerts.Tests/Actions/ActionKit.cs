using System.Runtime.CompilerServices;
using System.Text.Json;
using Analytics.Alerts.Actions;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Slices;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Windows;
using Analytics.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Alerts.Tests.Actions;

/// <summary>
/// One test's world for the action runner: a migrated database on embedded chDB, rules, a manual clock, a
/// steering publisher that records (Kafka itself is tested in the integration tests) and an environment.
/// </summary>
internal sealed class ActionKit : IAsyncDisposable
{
    /// <summary>
    /// 2040-01-15T12:00:00Z, a minute boundary in the future: the fact tables' TTL drops rows older than
    /// 90 days as they are written, so a fixed date in the past would leave no traffic to read.
    /// </summary>
    public const long W0 = 2_210_241_600_000;

    /// <summary>
    /// The rules the tests act on: a POP outage that steers (and annotates), a CDN rule that steers a whole
    /// CDN, an app-version rule that halts rollouts, and a P2 capacity rule that scales out.
    /// </summary>
    public const string Rules = """
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
                  - cdn_steer: {percent: 30, to: {cdn: akamai}, ttl: 1h}
                  - annotate: {text: "POP {{ pop }} fails {{ value | percent }} of starts", tags: [noc]}
              - name: CdnOutage
                metric: vsf_rate
                by: [cdn]
                condition: {threshold: {above: 0.2}}
                severity: P0
                actions:
                  - cdn_steer: {percent: 10, to: {cdn: fastly}}
              - name: CacheMisses
                metric: cache_hit_ratio
                by: [cdn]
                condition: {threshold: {below: 0.8}}
                severity: P2
                actions:
                  - scale_out: {service: origin-shield, by: 50%}
          - name: client
            window: 1m
            rules:
              - name: BadRelease
                metric: vpf_rate
                by: [app_version, os]
                condition: {threshold: {above: 0.05}}
                severity: P1
                actions:
                  - halt_rollout: {}
        """;

    private readonly List<ActionRunner> _runners = [];

    private ActionKit(ChDbConnection db, string database, RuleSet rules)
    {
        Db = db;
        Database = database;
        RuleSet = rules;
    }

    public ChDbConnection Db { get; }

    public string Database { get; }

    public RuleSet RuleSet { get; }

    public ManualTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(W0 + 90_000));

    public RecordingSteeringPublisher Steering { get; } = new();

    public Dictionary<string, string> Environment { get; } = [];

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(10) };

    /// <summary>The webhook secret the kit's environment holds as <see cref="SecretVariable"/>.</summary>
    public const string Secret = "whsec-action-tests";

    public const string SecretVariable = "ACTION_WEBHOOK_SECRET";

    /// <summary>Dry run off, webhooks pointing at <paramref name="url"/> (by default a port nothing listens on).</summary>
    public ActionSettings LiveAt(string url = "http://127.0.0.1:9")
    {
        Environment[SecretVariable] = Secret;
        return ActionSettings.Default with
        {
            DryRun = false,
            ScaleOut = new WebhookEndpoint(new Uri(url + "/scale"), new SecretRef("actions.scale_out.secret_env", SecretVariable, null)),
            HaltRollout = new WebhookEndpoint(new Uri(url + "/halt"), new SecretRef("actions.halt_rollout.secret_env", SecretVariable, null)),
        };
    }

    public ActionSettings Live => LiveAt();

    public static async Task<ActionKit> CreateAsync(string? rules = null, [CallerMemberName] string test = "")
    {
        var (set, problems) = RuleSet.Parse([("rules.yaml", rules ?? Rules)]);
        Assert.DoesNotContain(problems, p => p.IsError);
        var database = "actions_" + new string([.. test.Where(char.IsAsciiLetterOrDigit)]).ToLowerInvariant();
        return new ActionKit(await TestStore.OpenAsync(database), database, set);
    }

    /// <summary>A started runner over this kit's store, clock, publisher and environment.</summary>
    public async Task<ActionRunner> StartAsync(ActionSettings settings, ActionRunnerOptions? options = null)
    {
        var runner = new ActionRunner(
            settings, RuleSet, Db, Database, Steering, Http, Clock, NullLogger.Instance, name => Environment.GetValueOrDefault(name),
            options ?? new ActionRunnerOptions { RetryDelay = TimeSpan.Zero, MaxRetryDelay = TimeSpan.Zero });
        _runners.Add(runner);
        await runner.StartAsync(CancellationToken.None);
        return runner;
    }

    /// <summary>Attempts per (cdn, pop) in the 1m window starting at <paramref name="windowMs"/>.</summary>
    public Task TrafficAsync(long windowMs, params (string Cdn, string Pop, int Attempts)[] rows)
    {
        var lines = rows.Select(r => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["window_start"] = EventTime.Format(windowMs)[..19],
            ["region"] = "us-east",
            ["cdn"] = r.Cdn,
            ["pop"] = r.Pop,
            ["source"] = "test",
            ["attempts"] = r.Attempts,
            ["plays"] = r.Attempts,
            ["version"] = 1,
        }));
        return Db.InsertAsync($"{Database}.qoe_delivery_1m", "JSONEachRow", System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines)));
    }

    /// <summary>An incident change as the manager hands it over (window W0 unless given).</summary>
    public IncidentChange Change(IncidentChangeKind kind, string id, string rule, string slice, int seq, Severity severity = Severity.P0, long? windowMs = null)
    {
        var window = windowMs ?? W0;
        var incident = new Incident
        {
            Id = id,
            Key = $"{rule}/{slice}",
            Rule = rule,
            Severity = severity,
            Metric = "vsf_rate",
            Slice = Slice.Parse(slice),
            Title = $"{rule} at {slice}",
            Status = kind == IncidentChangeKind.Resolved ? IncidentStatus.Resolved : IncidentStatus.Triggered,
            Value = 0.5,
            OpenedAtMs = window,
            LastWindowMs = window,
            Seq = seq,
        };
        return new IncidentChange(kind, incident, seq, Notify: true, Muted: false, window, Clock.GetUtcNow().ToUnixTimeMilliseconds(), "auto", "");
    }

    public Task<IReadOnlyList<ActionDecision>> AuditAsync(string incidentId)
        => new ActionAudit(Db, Database).HistoryAsync(incidentId, CancellationToken.None);

    public Task<IReadOnlyList<ActionAnnotation>> AnnotationsAsync(string incidentId)
        => new AnnotationWriter(Db, Database).ForIncidentAsync(incidentId, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        foreach (var runner in _runners)
        {
            await runner.DisposeAsync();
        }

        Http.Dispose();
        await Db.DisposeAsync();
    }
}

/// <summary>Records the steering commands published, or fails them while <see cref="Failure"/> is set.</summary>
internal sealed class RecordingSteeringPublisher : ISteeringPublisher
{
    private readonly List<SteeringCommand> _published = [];

    public string Destination => "kafka topic cdn-steering";

    public string? Failure { get; set; }

    public IReadOnlyList<SteeringCommand> Published
    {
        get
        {
            lock (_published)
            {
                return [.. _published];
            }
        }
    }

    public Task PublishAsync(SteeringCommand command, CancellationToken ct)
    {
        if (Failure is { } failure)
        {
            throw new InvalidOperationException(failure);
        }

        lock (_published)
        {
            _published.Add(command);
        }

        return Task.CompletedTask;
    }

    public void Dispose()
    {
    }
}
