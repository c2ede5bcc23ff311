using System.Text.Json;
using System.Text.Json.Nodes;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.OnCall;
using Analytics.Alerts.Rules;
using Analytics.Processors.ClickHouse;
using Microsoft.Extensions.Logging;

namespace Analytics.Alerts.Actions;

/// <summary>
/// Runs the automated actions of incidents' rules (docs/oncall.md, "Automated actions"). For every change it is
/// handed (before the change is stored) it plans the actions an opening or reopening calls for, and the undo of
/// every steering when an incident resolves; decides each at once through the <see cref="Guardrails"/>; records
/// every decision in <c>incident_actions</c>; and only then queues the executed ones to run off the alert
/// service's path. Decision ids come from (incident, seq, action index), so a change handed over again after a
/// crash finds its decisions recorded and takes none twice. Nothing it does can stop the alert service: a failed
/// action is recorded as failed, and a failure to record leaves the change to be handed over again.
/// </summary>
internal sealed partial class ActionRunner : INotifier, IAsyncDisposable
{
    private readonly ActionSettings _settings;
    private readonly ActionPlanner _planner;
    private readonly Guardrails _guardrails;
    private readonly ActionLedger _ledger = new();
    private readonly ActionAudit _audit;
    private readonly ActionExecutor _executor;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly ActionRunnerOptions _options;
    private readonly TimeSpan _lookback;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lock _recentGate = new();
    private readonly Queue<ActionDecision> _recent = new();
    private readonly Dictionary<ActionKind, ActionQueue> _lanes;
    private bool _started;
    private int _disposed;

    /// <summary>
    /// Checks the settings against the rules and reads the webhooks' secrets; with dry run off, a rule whose
    /// action has no endpoint, or a missing secret, is an <see cref="OnCallConfigException"/> naming the key.
    /// Call <see cref="StartAsync"/> before handing it changes. It does not own <paramref name="steering"/>
    /// or <paramref name="http"/>. <paramref name="environment"/> reads environment variables (the kill switch and
    /// the secrets; tests give their own).
    /// </summary>
    public ActionRunner(
        ActionSettings settings,
        RuleSet rules,
        IClickHouseConnection connection,
        string database,
        ISteeringPublisher steering,
        HttpClient http,
        TimeProvider time,
        ILogger logger,
        Func<string, string?>? environment = null,
        ActionRunnerOptions? options = null)
    {
        _options = (options ?? new ActionRunnerOptions()).Validate();
        environment ??= Environment.GetEnvironmentVariable;
        if (settings.CheckAgainst(rules).FirstOrDefault(p => p.IsError) is { } missing)
        {
            throw new OnCallConfigException("actions", $"{missing.Message} ({missing.File}:{missing.Line})");
        }

        var secrets = new Dictionary<ActionKind, Secret>();
        foreach (var kind in new[] { ActionKind.ScaleOut, ActionKind.HaltRollout })
        {
            if (!settings.DryRun && settings.Endpoint(kind) is { } endpoint)
            {
                secrets[kind] = endpoint.Secret.Resolve(environment);
            }
        }

        _settings = settings;
        _time = time;
        _log = logger;
        _planner = new ActionPlanner(settings, rules);
        _guardrails = new Guardrails(settings, _ledger, new TrafficShareReader(connection, database), environment, time, steering.Destination);
        _audit = new ActionAudit(connection, database);
        _executor = new ActionExecutor(steering, new SignedWebhook(http, time, _options), new AnnotationWriter(connection, database), secrets);
        var longestTtl = rules.Rules.SelectMany(r => r.Actions).OfType<CdnSteerAction>().Select(a => a.Ttl).DefaultIfEmpty(TimeSpan.Zero).Max();
        _lookback = new[] { TimeSpan.FromHours(1), settings.Cooldown, longestTtl }.Max();
        var steeringLane = new ActionQueue("cdn_steer", logger, time, _options.DrainTimeout);
        var webhookLane = new ActionQueue("webhooks", logger, time, _options.DrainTimeout);
        _lanes = new Dictionary<ActionKind, ActionQueue>
        {
            [ActionKind.CdnSteer] = steeringLane,
            [ActionKind.ScaleOut] = webhookLane,
            [ActionKind.HaltRollout] = webhookLane,
            [ActionKind.Annotate] = new ActionQueue("annotate", logger, time, _options.DrainTimeout),
        };
    }

    public bool DryRun => _settings.DryRun;

    /// <summary>Why the kill switch is pulled, or null.</summary>
    public string? KillSwitch => _guardrails.KillSwitch;

    /// <summary>The last decisions (and failures), oldest first, for the live view.</summary>
    public IReadOnlyList<ActionDecision> Recent
    {
        get
        {
            lock (_recentGate)
            {
                return [.. _recent];
            }
        }
    }

    /// <summary>Rebuilds the guardrails' counters and the steerings in force from <c>incident_actions</c>.</summary>
    public async Task StartAsync(CancellationToken ct)
    {
        var since = (_time.GetUtcNow() - _lookback).ToUnixTimeMilliseconds();
        var stored = await _audit.SinceAsync(since, ct);
        foreach (var (decision, steering) in stored.Select(d => (d, Steering(d))).OrderBy(x => x.Item2?.Action == SteeringCommand.Undo).ThenBy(x => x.d.AtMs))
        {
            if (decision.Outcome != ActionOutcome.Refused)
            {
                _ledger.Add(decision, steering);
            }

            Remember(decision);
        }

        _started = true;
        Started(_log, stored.Count, _settings.DryRun ? "dry run: nothing will be sent" : "live", KillSwitch ?? "kill switch not pulled");
    }

    /// <summary>Completes when every action queued so far has run (tests, and the demo before it exits).</summary>
    public Task WhenIdleAsync() => Task.WhenAll(_lanes.Values.Distinct().Select(l => l.WhenIdleAsync()));

    public async Task NotifyAsync(IReadOnlyList<IncidentChange> changes, CancellationToken ct)
    {
        if (!_started)
        {
            throw new InvalidOperationException("ActionRunner.StartAsync must run before changes are handed over.");
        }

        if (!changes.Any(ActionPlanner.Concerns))
        {
            return;
        }

        await _gate.WaitAsync(ct);
        try
        {
            // Still under the gate, so the lanes receive actions in the order they were decided.
            foreach (var (plan, decision) in await DecideAsync(changes, ct))
            {
                Remember(decision);
                Decided(_log, decision.Text, decision.Reason);
                if (decision.Outcome is ActionOutcome.Executed or ActionOutcome.Undone)
                {
                    _lanes[plan.Kind].Enqueue(token => ExecuteAsync(plan, decision, token));
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        foreach (var lane in _lanes.Values.Distinct())
        {
            await lane.DisposeAsync();
        }

        _gate.Dispose();
    }

    /// <summary>
    /// Decides every action the changes call for and records the decisions; none when recording fails, the
    /// ledger then forgets them so the same changes handed over again decide afresh. A transient store
    /// failure is thrown (the alert service tries the window again); any other is logged.
    /// </summary>
    private async Task<List<(ActionPlan Plan, ActionDecision Decision)>> DecideAsync(IReadOnlyList<IncidentChange> changes, CancellationToken ct)
    {
        var decided = new List<(ActionPlan Plan, ActionDecision Decision)>();
        try
        {
            var now = _time.GetUtcNow();
            _ledger.Prune((now - _lookback).ToUnixTimeMilliseconds());

            // Change by change, so a steering decided for one is in the ledger when a later one resolves it.
            foreach (var change in changes.Where(ActionPlanner.Concerns))
            {
                var plans = _planner.Plan(change, _ledger, now).ToList();
                var known = plans.Count == 0 ? new HashSet<string>() : await _audit.KnownAsync([.. plans.Select(p => p.DecisionId)], ct);
                foreach (var plan in plans.Where(p => !known.Contains(p.DecisionId)))
                {
                    var verdict = plan.IsUndo ? UndoVerdict(plan) : await _guardrails.JudgeAsync(plan, ct);
                    var decision = Decision(plan, verdict, now.ToUnixTimeMilliseconds());
                    decided.Add((plan, decision));
                    if (decision.Outcome != ActionOutcome.Refused)
                    {
                        _ledger.Add(decision, plan.Steering);
                    }
                }
            }

            await _audit.RecordAsync([.. decided.Select(d => d.Decision)], ct);
            return decided;
        }
        catch (Exception ex)
        {
            _ledger.Remove(decided.Select(d => d.Decision));
            if (ex is OperationCanceledException or ClickHouseException { IsTransient: true })
            {
                throw;
            }

            NotDecided(_log, ex.GetType().Name, ex.Message);
            return [];
        }
    }

    private async Task ExecuteAsync(ActionPlan plan, ActionDecision decision, CancellationToken ct)
    {
        try
        {
            await _executor.RunAsync(plan, decision, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await FailAsync(plan, decision, ex);
            return;
        }

        try
        {
            await _executor.AnnotateDoneAsync(plan, decision, ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            AnnotationFailed(_log, plan.DecisionId, ex.Message);
        }
    }

    private async Task FailAsync(ActionPlan plan, ActionDecision decision, Exception ex)
    {
        var reason = ex switch
        {
            DeliveryFailedException d => d.Reason,
            _ => ex.Message,
        };
        reason = HttpDelivery.Shorten(reason);
        var failed = decision with
        {
            Outcome = ActionOutcome.Failed,
            Reason = reason,
            Text = ActionText.Line(ActionOutcome.Failed, plan.Kind, plan.Target, plan.Command, reason, plan.Incident.Id),
        };
        _ledger.MarkFailed(failed);
        Remember(failed);
        ActionFailed(_log, failed.Text, reason);
        try
        {
            await _audit.RecordAsync([failed], CancellationToken.None);
        }
        catch (Exception write) when (write is not OperationCanceledException)
        {
            AuditWriteFailed(_log, failed.DecisionId, write.Message);
        }
    }

    private static Verdict UndoVerdict(ActionPlan plan)
        => plan.UndoOf == ActionOutcome.Executed
            ? new Verdict(ActionOutcome.Undone, $"incident resolved: undo {plan.Steering!.Undoes}", plan.UndoShare)
            : new Verdict(ActionOutcome.UndoDryRun, $"incident resolved: would undo {plan.Steering!.Undoes} (dry run)", plan.UndoShare);

    private static ActionDecision Decision(ActionPlan plan, Verdict verdict, long atMs)
    {
        var parameters = (JsonObject)plan.Params.DeepClone();
        if (verdict.SteeredShare > 0)
        {
            parameters["steered_share"] = verdict.SteeredShare;
        }

        var i = plan.Incident;
        return new ActionDecision(
            plan.DecisionId, i.Id, plan.Change.Seq, i.Rule, i.Severity, plan.Kind, plan.Target, verdict.Outcome, verdict.Reason,
            parameters.ToJsonString(), verdict.SteeredShare, atMs,
            ActionText.Line(verdict.Outcome, plan.Kind, plan.Target, plan.Command, verdict.Reason, i.Id));
    }

    /// <summary>The steering command kept in a stored cdn_steer decision's params; null when it has none.</summary>
    private static SteeringCommand? Steering(ActionDecision decision)
    {
        if (decision.Kind != ActionKind.CdnSteer)
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(decision.Params);
            return doc.RootElement.TryGetProperty("command", out var command) ? SteeringCommand.Read(command) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void Remember(ActionDecision decision)
    {
        lock (_recentGate)
        {
            _recent.Enqueue(decision);
            while (_recent.Count > _options.RecentCount)
            {
                _recent.Dequeue();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Actions: {Restored} recent decisions restored; {Mode}; {KillSwitch}.")]
    private static partial void Started(ILogger log, int restored, string mode, string killSwitch);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Text} [{Reason}]")]
    private static partial void Decided(ILogger log, string text, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Text} [{Reason}]")]
    private static partial void ActionFailed(ILogger log, string text, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Actions: nothing decided for these incident changes ({Type}: {Error}); no action was taken.")]
    private static partial void NotDecided(ILogger log, string type, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Actions: {DecisionId} succeeded, but its annotation was not written ({Error}).")]
    private static partial void AnnotationFailed(ILogger log, string decisionId, string error);

    [LoggerMessage(Level = LogLevel.Error, Message = "Actions: {DecisionId} failed and the failure could not be recorded in incident_actions ({Error}); it still reads executed.")]
    private static partial void AuditWriteFailed(ILogger log, string decisionId, string error);
}
