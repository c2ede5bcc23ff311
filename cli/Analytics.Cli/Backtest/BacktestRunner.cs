using System.Diagnostics;
using Analytics.Alerts.Evaluation;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Slices;
using Analytics.Ingest.Simulator;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Pipeline.Replay;
using Analytics.Processors.Sinks;
using Microsoft.Extensions.Logging;

namespace Analytics.Cli.Backtest;

/// <summary>
/// Replays a scenario through the whole pipeline and alerting: the same week-before baseline and
/// scenario traffic are simulated, replayed through the partition processors into ClickHouse (so
/// week-over-week rules have last week), and the alert evaluator then judges every final window.
/// </summary>
internal sealed class BacktestRunner
{
    private const long Week = 7 * 86_400_000L;
    private static readonly TimeSpan Warmup = TimeSpan.FromMinutes(10);
    private readonly IClickHouseConnection _store;
    private readonly RuleSet _rules;
    private readonly ILogger _log;
    private readonly Action<string> _progress;

    public BacktestRunner(IClickHouseConnection store, RuleSet rules, ILogger log, Action<string> progress)
    {
        _store = store;
        _rules = rules;
        _log = log;
        _progress = progress;
    }

    public async Task<BacktestResult> RunAsync(BacktestScenario scenario, int concurrency, ulong seed, long startMs, CancellationToken ct)
    {
        var database = "backtest_" + scenario.Name.Replace('-', '_');
        await _store.ExecuteAsync($"DROP DATABASE IF EXISTS {database}", ct);
        await new SchemaMigrator(_store).MigrateAsync(database, QoeTables.Migrations, ct);
        var options = new SimulatorOptions
        {
            Seed = seed,
            StartTimeMs = startMs,
            ConcurrentSessions = concurrency,
            Duration = scenario.Duration,
            OutOfOrderFraction = 0.02,
            LateFraction = 0.002,
            DuplicateFraction = 0.002,
            Incidents = scenario.Incidents,
        };
        options.Validate();
        var processor = new ProcessorOptions { Workers = 2 };
        var group = "backtest";

        var pipelineClock = Stopwatch.StartNew();
        var baseline = options with { Seed = seed + 1, StartTimeMs = startMs - Week, Incidents = [] };
        await ReplayAsync(new TrafficGenerator(baseline), "backtest/last-week", database, processor, group, $"{scenario.Name} (last week)", ct);
        var generator = new TrafficGenerator(options);
        var beacons = await ReplayAsync(generator, "backtest/scenario", database, processor, group, scenario.Name, ct);
        pipelineClock.Stop();

        var alertClock = Stopwatch.StartNew();
        var recorder = new RecordingNotifier();
        var alertOptions = new AlertOptions { ConsumerGroup = group, Evaluator = scenario.Name, Lookback = scenario.Duration + TimeSpan.FromHours(1), MaxCatchUp = scenario.Duration + TimeSpan.FromHours(1) };
        using var alerting = new AlertService(alertOptions, _rules, new IncidentOptions(), _store, database, [recorder], TimeProvider.System, _log);
        await alerting.StartAsync(ct);

        // The simulator starts every session at once: its first minutes are a burst, then a lull, not traffic to learn from.
        alerting.StartAt(startMs + (long)Warmup.TotalMilliseconds);
        alerting.StopAt(startMs + (long)scenario.Duration.TotalMilliseconds);
        _progress($"{scenario.Name}: judging every final window …");
        await alerting.StepAsync(ct);
        alertClock.Stop();

        var opened = recorder.Received.Where(n => n.Change.Kind == IncidentChangeKind.Opened).Select(n => n.Change).ToList();
        var outcomes = generator.Incidents.Where(i => i.Kind != Ingest.Simulator.Incidents.IncidentKind.Premiere)
            .Select(i => Judge(i, opened, 60_000))
            .ToList();
        var explained = outcomes.Where(o => o.Detected).Select(o => o.Title).ToHashSet();
        var falses = opened.Where(o => !explained.Contains(o.Incident.Title)).GroupBy(o => o.Incident.Severity).ToDictionary(g => g.Key, g => g.Count());
        return new BacktestResult(
            scenario.Name,
            beacons,
            alerting.Status.WindowsJudged,
            outcomes,
            [.. opened.Select(o => (o.Incident.Id, o.Incident.Severity, o.Incident.Slice.ToString(), o.Incident.Title))],
            pipelineClock.Elapsed,
            alertClock.Elapsed)
        {
            FalseBySeverity = falses,
        };
    }

    /// <summary>The first incident opened on the injected slice (or with it as a culprit) while the effect lasted.</summary>
    private static InjectedOutcome Judge(Ingest.Simulator.Incidents.Incident injected, IReadOnlyList<IncidentChange> opened, long windowMs)
    {
        var slice = new Slice(injected.Slice);
        var allowed = new Slice(injected.Slice.Concat(injected.Parents));
        var onsetWindow = injected.EffectiveOnsetMs / windowMs * windowMs;
        var hit = opened
            .Where(o => o.WindowStartMs is { } w && w >= injected.StartMs - windowMs && w < injected.EndMs)
            .Where(o => slice.Contains(o.Incident.Slice) || o.Incident.Culprits.Any(c => slice.Contains(c.Slice)))
            .OrderBy(o => o.WindowStartMs)
            .FirstOrDefault();
        if (hit is null)
        {
            return new InjectedOutcome(injected.Spec.Text, slice.ToString(), false, null, null, false, null);
        }

        // Named exactly: the root is the injected value, with at most its parents (a POP's CDN) beside it.
        var named = slice.Contains(hit.Incident.Slice) && hit.Incident.Slice.Dimensions.All(d => allowed[d.Key] == d.Value);
        return new InjectedOutcome(
            injected.Spec.Text,
            slice.ToString(),
            true,
            (int)((hit.WindowStartMs!.Value - onsetWindow) / windowMs),
            hit.Incident.Severity,
            named,
            hit.Incident.Title);
    }

    private Task<long> ReplayAsync(TrafficGenerator generator, string source, string database, ProcessorOptions processor, string group, string what, CancellationToken ct)
    {
        const int Partitions = 12;
        var messages = generator.Messages().Select(m => new ReplayMessage(ReplayPipeline.PartitionOf(m.Key, Partitions), m.Key, m.Value, m.DeliveryTimeMs));
        var progress = new Progress<long>(n => _progress($"{what}: {n:N0} beacons replayed"));
        return ReplayPipeline.IntoClickHouseAsync(messages, processor, _store, database, source, Partitions, group, progress, _log, ct);
    }
}
