namespace Analytics.Alerts.Actions;

/// <summary>
/// The recent decisions the rate guardrails count: cooldowns and hourly limits per target, the overall hourly
/// limit, and the steerings in force (the blast radius). Real actions (executed, or failed after executing)
/// always count; while dry run is on, would-be actions count too, so a dry run refuses what a live run would.
/// Rebuilt from <c>incident_actions</c> at start (<see cref="Add"/> per stored row), so a restart forgets no limit.
/// Thread-safe: executors mark failures while the runner decides.
/// </summary>
internal sealed class ActionLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Adds a decision (a steering's command is kept for its undo and expiry).</summary>
    public void Add(ActionDecision decision, SteeringCommand? steering)
    {
        lock (_gate)
        {
            var undo = steering?.Action == SteeringCommand.Undo;
            _entries[decision.DecisionId] = new Entry(decision, steering, undo);
            if (undo && steering!.Undoes is { } undone && _entries.TryGetValue(undone, out var steer))
            {
                steer.UndoneBy = decision.Outcome == ActionOutcome.Failed ? null : decision.DecisionId;
            }
        }
    }

    /// <summary>Takes decisions back that could not be recorded (they will be decided again).</summary>
    public void Remove(IEnumerable<ActionDecision> decisions)
    {
        lock (_gate)
        {
            foreach (var d in decisions)
            {
                if (_entries.Remove(d.DecisionId, out var e) && e.IsUndo && e.Steering?.Undoes is { } undone && _entries.TryGetValue(undone, out var steer))
                {
                    steer.UndoneBy = null;
                }
            }
        }
    }

    /// <summary>An executed action that did not succeed: it still counts against limits, but steers nothing (a failed undo leaves its steering in force).</summary>
    public void MarkFailed(ActionDecision failed) => Add(failed, Get(failed.DecisionId)?.Steering);

    /// <summary>When the last counted action on the target was decided; null when none is in the ledger.</summary>
    public long? LastAtMs(ActionKind kind, string target, bool dryRun)
    {
        lock (_gate)
        {
            return Counted(dryRun).Where(e => e.Decision.Kind == kind && e.Decision.Target == target).Select(e => (long?)e.Decision.AtMs).Max();
        }
    }

    /// <summary>Counted actions decided after <paramref name="sinceMs"/>, on one target (kind and target given) or on all.</summary>
    public int CountSince(long sinceMs, bool dryRun, ActionKind? kind = null, string? target = null)
    {
        lock (_gate)
        {
            return Counted(dryRun).Count(e => e.Decision.AtMs > sinceMs && (kind is null || (e.Decision.Kind == kind && e.Decision.Target == target)));
        }
    }

    /// <summary>The share of all traffic steered now: steerings in force, not undone and not expired.</summary>
    public double SteeredShare(DateTimeOffset now, bool dryRun)
    {
        lock (_gate)
        {
            return _entries.Values.Where(e => InForce(e, dryRun) && e.Steering!.ExpiresAt > now).Sum(e => e.Decision.SteeredShare);
        }
    }

    /// <summary>An incident's steerings not undone (executed or dry run), to undo when it resolves; oldest first.</summary>
    public IReadOnlyList<(ActionDecision Decision, SteeringCommand Steering)> OpenSteerings(string incidentId)
    {
        lock (_gate)
        {
            return [.. _entries.Values
                .Where(e => e.Decision.IncidentId == incidentId && InForce(e, dryRun: true))
                .OrderBy(e => e.Decision.AtMs)
                .Select(e => (e.Decision, e.Steering!))];
        }
    }

    /// <summary>Forgets decisions older than any guardrail looks back (keeping steerings not undone).</summary>
    public void Prune(long beforeMs)
    {
        lock (_gate)
        {
            foreach (var e in _entries.Values.Where(e => e.Decision.AtMs < beforeMs && !InForce(e, dryRun: true)).ToList())
            {
                _entries.Remove(e.Decision.DecisionId);
            }
        }
    }

    private Entry? Get(string id)
    {
        lock (_gate)
        {
            return _entries.GetValueOrDefault(id);
        }
    }

    private IEnumerable<Entry> Counted(bool dryRun) => _entries.Values.Where(e =>
        e.Decision.Kind != ActionKind.Annotate && !e.IsUndo
        && (e.Decision.Outcome is ActionOutcome.Executed or ActionOutcome.Failed || (dryRun && e.Decision.Outcome == ActionOutcome.DryRun)));

    private static bool InForce(Entry e, bool dryRun)
        => e.Steering is not null && !e.IsUndo && e.UndoneBy is null
           && (e.Decision.Outcome == ActionOutcome.Executed || (dryRun && e.Decision.Outcome == ActionOutcome.DryRun));

    private sealed class Entry(ActionDecision decision, SteeringCommand? steering, bool isUndo)
    {
        public ActionDecision Decision { get; } = decision;

        public SteeringCommand? Steering { get; } = steering;

        public bool IsUndo { get; } = isUndo;

        /// <summary>The decision id of the undo that ended this steering; null while in force.</summary>
        public string? UndoneBy { get; set; }
    }
}
