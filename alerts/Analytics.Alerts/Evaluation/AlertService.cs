using System.Diagnostics;
using System.Globalization;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Rules.Evaluation;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Progress;
using Microsoft.Extensions.Logging;

namespace Analytics.Alerts.Evaluation;

/// <summary>
/// The alert evaluator: waits until the consumer group has made a window final on every partition
/// (<c>pipeline_progress</c>), judges it once with the rules, turns the verdicts into incidents,
/// stores them, notifies, and checkpoints. It never guesses from the clock: a window is judged when
/// the data says it is final, so replays and restarts judge it the same way, once.
/// </summary>
internal sealed class AlertService : IDisposable
{
    private readonly AlertOptions _options;
    private readonly IClickHouseConnection _clickHouse;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly IReadOnlyList<INotifier> _notifiers;
    private readonly RuleEvaluator _rules;
    private readonly IncidentManager _incidents;
    private readonly IncidentOptions _incidentOptions;
    private readonly IncidentStore _store;
    private readonly ProgressStore _progress;
    private readonly AlertCheckpointStore _checkpoints;
    private readonly ClickHouseSliceSource _source;
    private readonly WindowSchedule _schedule;
    private readonly AlertMetrics _metrics;
    private long _windows;
    private long _opened;
    private long? _lastWindow;
    private long? _final;
    private string? _waiting = "starting";
    private TimeSpan? _lastEvaluation;
    private TimeSpan _maxFinalToNotified;
    private long _actionsSince;
    private int _sinceCheckpoint;

    public AlertService(
        AlertOptions options,
        RuleSet rules,
        IncidentOptions incidents,
        IClickHouseConnection clickHouse,
        string database,
        IReadOnlyList<INotifier> notifiers,
        TimeProvider time,
        ILogger log)
    {
        _options = options.Validate();
        _incidentOptions = incidents;
        _clickHouse = clickHouse;
        _time = time;
        _log = log;
        _notifiers = notifiers;
        _rules = new RuleEvaluator(rules, time);
        _incidents = new IncidentManager(incidents, time);
        _store = new IncidentStore(clickHouse, database, time);
        _progress = new ProgressStore(clickHouse, database, options.ConsumerGroup, options.Evaluator, time);
        _checkpoints = new AlertCheckpointStore(clickHouse, database, options.Evaluator, time);
        _source = new ClickHouseSliceSource(clickHouse, database);
        _schedule = new WindowSchedule(rules.WindowSizesMs);
        _metrics = new AlertMetrics(() => _rules.SeriesCount);
        _actionsSince = time.GetUtcNow().ToUnixTimeMilliseconds();
    }

    public AlertStatus Status => new(
        Interlocked.Read(ref _windows),
        _lastWindow,
        _final,
        _waiting,
        _rules.SeriesCount,
        Interlocked.Read(ref _opened),
        [.. _incidents.Incidents.OrderBy(i => i.Severity).ThenBy(i => i.Id, StringComparer.Ordinal)],
        _lastEvaluation)
    {
        MaxFinalToNotified = _maxFinalToNotified,
    };

    /// <summary>Restores the evaluator and the incidents from their tables: a restart loses nothing.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        if (await _checkpoints.LoadAsync(ct) is { } checkpoint)
        {
            _schedule.Restore(checkpoint.EvaluatedThrough);
            using var reader = new BinaryReader(new MemoryStream(checkpoint.State));
            _rules.ReadState(reader);
        }

        var last = _schedule.Next.Count == 0 ? (long?)null : _schedule.Next.Max(n => n.Value - n.Key);
        _incidents.ReadState(await _store.LoadAsync(_incidentOptions, last, ct));
        _incidents.SetSilences(await _store.ReadSilencesAsync(ct));
        _log.LogInformation(
            "Alerting: {Rules} rules; {Open} incidents restored; {From}.",
            _rules.Rules.Rules.Count,
            _incidents.Incidents.Count,
            last is { } l ? $"resuming after the window of {Format(l)}" : "no checkpoint, starting at the group's final boundary minus the lookback");
    }

    /// <summary>Judges no window before this event time (backtests skip the simulator's warm-up).</summary>
    public void StartAt(long startMs) => _schedule.StartAt(startMs);

    /// <summary>Judges no window ending after this event time (a backtest's data ends there).</summary>
    public void StopAt(long endMs) => _schedule.StopAt(endMs);

    /// <summary>Judges windows as they become final until cancelled.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        await StartAsync(ct);
        while (!ct.IsCancellationRequested)
        {
            try
            {
                await StepAsync(ct);
            }
            catch (ClickHouseException ex) when (ex.IsTransient)
            {
                _log.LogWarning("Alerting: ClickHouse failed ({Message}); trying again at the next poll.", ex.Message);
            }

            try
            {
                await Task.Delay(_options.PollInterval, _time, ct);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await SaveCheckpointAsync(CancellationToken.None);
    }

    /// <summary>One poll: judge every window that became final, apply operator actions and silences, then the wall-clock duties.</summary>
    public async Task<int> StepAsync(CancellationToken ct)
    {
        var judged = 0;
        var progress = await _progress.ReadGroupAsync(ct);
        if (progress is null)
        {
            _waiting = $"waiting for group {_options.ConsumerGroup} to record progress";
        }
        else if (!progress.Complete || progress.FinalThroughMs <= 0)
        {
            _waiting = progress.Silent.Count > 0
                ? $"waiting for partitions {string.Join(", ", progress.Silent.Take(8))} to record progress"
                : "waiting for the first final window";
        }
        else
        {
            _waiting = null;
            _final = progress.FinalThroughMs;
            _source.FinalThroughMs = progress.FinalThroughMs;
            var sawFinal = _time.GetTimestamp();
            var due = _schedule.Due(progress.FinalThroughMs, (long)_options.Lookback.TotalMilliseconds, (long)_options.MaxCatchUp.TotalMilliseconds);

            // The latency figure is for windows judged as they become final, not for a backlog.
            var catchingUp = due.Count > _schedule.Sizes.Count;
            foreach (var (size, start) in due)
            {
                await JudgeAsync(size, start, ct);
                var latency = _time.GetElapsedTime(sawFinal);
                _metrics.FinalToNotified.Record(latency.TotalSeconds);
                if (latency > _maxFinalToNotified && !catchingUp)
                {
                    _maxFinalToNotified = latency;
                }
                judged++;
            }
        }

        foreach (var action in await _store.ReadOperatorActionsAsync(_actionsSince, ct))
        {
            _actionsSince = Math.Max(_actionsSince, action.AtMs + 1);
            await PublishAsync(_incidents.Apply(action), ct);
        }

        _incidents.SetSilences(await _store.ReadSilencesAsync(ct));
        await PublishAsync(_incidents.Tick(), ct);
        return judged;
    }

    public void Dispose() => _metrics.Dispose();

    private async Task JudgeAsync(long size, long start, CancellationToken ct)
    {
        var started = Stopwatch.GetTimestamp();
        var signals = await _rules.EvaluateAsync(start, size, _source, ct);
        var changes = await _incidents.ProcessWindowAsync(start, size, signals, new WindowContext(_source), ct);
        await PublishAsync(changes, ct);
        _schedule.Judged(size, start);
        _source.Forget(start - (8 * 86_400_000L));
        _lastWindow = start;
        Interlocked.Increment(ref _windows);
        _metrics.Windows.Add(1);
        _lastEvaluation = Stopwatch.GetElapsedTime(started);
        _metrics.EvaluationSeconds.Record(_lastEvaluation.Value.TotalSeconds);
        if (++_sinceCheckpoint >= _options.CheckpointEvery)
        {
            await SaveCheckpointAsync(ct);
        }
    }

    /// <summary>
    /// Hands the changes to the notifiers (which record what they owe), then stores them. A crash in between
    /// leaves the incident store as it was, so the window is judged again and yields the same changes, which
    /// the notifiers recognise by their ids.
    /// </summary>
    private async Task PublishAsync(IReadOnlyList<IncidentChange> changes, CancellationToken ct)
    {
        if (changes.Count == 0)
        {
            return;
        }

        foreach (var notifier in _notifiers)
        {
            await notifier.NotifyAsync(changes, ct);
        }

        await _store.SaveAsync(changes, ct);
        foreach (var change in changes)
        {
            _metrics.Changes.Add(1, new KeyValuePair<string, object?>("kind", change.Kind.ToString()), new KeyValuePair<string, object?>("severity", change.Incident.Severity.ToString()));
            if (change.Kind == IncidentChangeKind.Opened)
            {
                Interlocked.Increment(ref _opened);
            }
        }
    }

    private async Task SaveCheckpointAsync(CancellationToken ct)
    {
        _sinceCheckpoint = 0;
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, System.Text.Encoding.UTF8, leaveOpen: true))
        {
            _rules.WriteState(writer);
        }

        await _checkpoints.SaveAsync(new AlertCheckpoint(_schedule.Save(), buffer.ToArray()), ct);
    }

    private static string Format(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
