using Analytics.Alerts.Incidents.Localization;
using Analytics.Alerts.Rules;
using Analytics.Alerts.Slices;
using Analytics.Common;

namespace Analytics.Alerts.Incidents;

/// <summary>
/// Turns each evaluated window's alert signals into incidents: one per problem (root alert, with the alerts it
/// explains attached as symptoms, see <see cref="RootCauseAnalyzer"/>), inhibited inside wider incidents, muted by
/// silences, and carried through triggered → acknowledged → resolved. Pure and deterministic: no I/O, time from the
/// injected clock; the caller stores the returned changes and delivers those that notify.
/// </summary>
/// <remarks>
/// Event time drives the problem's life (auto-resolve after N clear windows, cooling, flapping); wall time drives
/// on-call duties (<see cref="Tick"/>: repeats while unacknowledged, escalation past the severity's deadline).
/// A window at or before the last processed one is ignored, so replays after a restart change nothing.
/// Not thread-safe: one caller (the alert service's loop).
/// </remarks>
internal sealed class IncidentManager
{
    private readonly IncidentOptions _options;
    private readonly TimeProvider _time;
    private readonly RootCauseAnalyzer _analyzer;
    private readonly Dictionary<string, Incident> _byKey = new(StringComparer.Ordinal);
    private readonly List<Silence> _silences = [];
    private readonly List<IncidentChange> _changes = [];

    public IncidentManager(IncidentOptions options, TimeProvider time, Topology? topology = null)
    {
        options.Validate();
        _options = options;
        _time = time;
        Topology = topology ?? new Topology();
        _analyzer = new RootCauseAnalyzer(options, Topology);
    }

    public Topology Topology { get; }

    /// <summary>The last window processed; windows at or before it are ignored.</summary>
    public long? LastWindowMs { get; private set; }

    /// <summary>Open incidents and those resolved within the cooling period, by key.</summary>
    public IReadOnlyCollection<Incident> Incidents => _byKey.Values;

    public IReadOnlyList<Silence> Silences => _silences;

    public Incident? Find(string id) => _byKey.Values.FirstOrDefault(i => i.Id == id);

    /// <summary>Analyses the window (reading the context when given) and then processes it; see <see cref="ProcessWindow"/>.</summary>
    public async Task<IReadOnlyList<IncidentChange>> ProcessWindowAsync(
        long windowStartMs, long windowMs, IReadOnlyList<AlertSignal> signals, WindowContext? context, CancellationToken ct = default)
    {
        if (windowStartMs <= LastWindowMs)
        {
            return [];
        }

        var findings = await _analyzer.AnalyzeAsync(windowStartMs, windowMs, signals, context, ct);
        return ProcessWindow(windowStartMs, windowMs, signals, findings);
    }

    /// <summary>
    /// Processes one evaluated window's signals (every pending, firing and resolved one). Without
    /// <paramref name="findings"/> roots and symptoms come from slices and labels alone.
    /// </summary>
    public IReadOnlyList<IncidentChange> ProcessWindow(long windowStartMs, long windowMs, IReadOnlyList<AlertSignal> signals, WindowFindings? findings = null)
    {
        if (windowStartMs <= LastWindowMs)
        {
            return [];
        }

        findings ??= _analyzer.AnalyzeAsync(windowStartMs, windowMs, signals, context: null, CancellationToken.None).GetAwaiter().GetResult();
        _changes.Clear();
        ForgetCooled(windowStartMs);

        // Wide roots first, so the incidents that inhibit exist before the roots inside them are considered.
        var firingRoots = new HashSet<string>(StringComparer.Ordinal);
        var inhibitedBy = new Dictionary<string, Incident>(StringComparer.Ordinal);
        foreach (var root in findings.Roots.OrderBy(r => IsInhibiting(r.Slice) ? 0 : 1))
        {
            if (Inhibitor(root) is { } wide)
            {
                inhibitedBy[root.Key] = wide;
                Inhibit(wide, root.Key, windowStartMs);
                continue;
            }

            firingRoots.Add(root.Key);
            Fire(root, windowStartMs, findings.Culprits.GetValueOrDefault(root.Key));
        }

        foreach (var (symptom, rootKey) in findings.SymptomOf.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            if (inhibitedBy.TryGetValue(rootKey, out var wide))
            {
                Inhibit(wide, symptom, windowStartMs);
            }
            else if (_byKey.TryGetValue(rootKey, out var incident) && incident.IsOpen)
            {
                Attach(incident, symptom, windowStartMs);
            }
        }

        foreach (var incident in _byKey.Values.Where(i => i.IsOpen && !firingRoots.Contains(i.Key)).ToList())
        {
            Clear(incident, windowStartMs);
        }

        LastWindowMs = windowStartMs;
        return [.. _changes];
    }

    /// <summary>Wall-clock duties: escalate unacknowledged incidents past their deadline, repeat their pages, mute and unmute.</summary>
    public IReadOnlyList<IncidentChange> Tick()
    {
        _changes.Clear();
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var incident in _byKey.Values.Where(i => i.Status == IncidentStatus.Triggered && !i.Flapping).OrderBy(i => i.Id, StringComparer.Ordinal).ToList())
        {
            if (MutedNow(incident))
            {
                if (!incident.Muted)
                {
                    Emit(IncidentChangeKind.Muted, incident with { Muted = true }, notify: false, null, "a silence now covers it");
                }

                continue;
            }

            if (now - incident.LastEscalatedAtMs >= (long)incident.Severity.AckDeadline().TotalMilliseconds)
            {
                var level = incident.EscalationLevel + 1;
                Emit(IncidentChangeKind.Escalated, incident with { EscalationLevel = level, LastEscalatedAtMs = now }, notify: true, null,
                    $"not acknowledged within {Durations.Format(incident.Severity.AckDeadline())}: escalation level {level}");
            }
            else if (now - (incident.LastNotifiedAtMs ?? long.MinValue / 2) >= (long)_options.RepeatInterval(incident.Severity).TotalMilliseconds)
            {
                Emit(IncidentChangeKind.Repeated, incident, notify: true, null, incident.LastNotifiedAtMs is null ? "no longer muted" : "still unacknowledged");
            }
        }

        return [.. _changes];
    }

    public IReadOnlyList<IncidentChange> Acknowledge(string id, string by)
    {
        var incident = Find(id) ?? throw new IncidentNotFoundException(id);
        if (incident.Status != IncidentStatus.Triggered)
        {
            return [];
        }

        _changes.Clear();
        Emit(IncidentChangeKind.Acknowledged, incident with { Status = IncidentStatus.Acknowledged, AcknowledgedAtMs = Now, AcknowledgedBy = by }, notify: true, null, $"acknowledged by {by}", by);
        return [.. _changes];
    }

    public IReadOnlyList<IncidentChange> Resolve(string id, string by)
    {
        var incident = Find(id) ?? throw new IncidentNotFoundException(id);
        if (!incident.IsOpen)
        {
            return [];
        }

        _changes.Clear();
        ResolveNow(incident, LastWindowMs ?? incident.LastWindowMs, by, $"resolved by {by}", null);
        return [.. _changes];
    }

    /// <summary>Applies an operator's action made elsewhere (the CLI); unknown or already applied actions change nothing.</summary>
    public IReadOnlyList<IncidentChange> Apply(OperatorAction action)
    {
        if (Find(action.IncidentId) is null)
        {
            return [];
        }

        return action.Kind switch
        {
            IncidentChangeKind.Acknowledged => Acknowledge(action.IncidentId, action.By),
            IncidentChangeKind.Resolved => Resolve(action.IncidentId, action.By),
            _ => [],
        };
    }

    /// <summary>Replaces the silences and maintenance windows (the service reloads them from the store).</summary>
    public void SetSilences(IEnumerable<Silence> silences)
    {
        _silences.Clear();
        _silences.AddRange(silences);
    }

    public IncidentManagerState WriteState() => new(LastWindowMs, [.. _byKey.Values.OrderBy(i => i.Id, StringComparer.Ordinal)], [.. _silences]);

    /// <summary>Restores a saved state; when several incidents share a key, the latest opened wins.</summary>
    public void ReadState(IncidentManagerState state)
    {
        _byKey.Clear();
        foreach (var incident in state.Incidents.OrderBy(i => i.TriggeredAtMs))
        {
            _byKey[incident.Key] = incident;
            Topology.Observe(incident.Slice);
        }

        SetSilences(state.Silences);
        LastWindowMs = state.LastWindowMs;
    }

    private long Now => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private void Fire(AlertSignal root, long window, IReadOnlyList<Culprit>? culprits)
    {
        var now = Now;
        if (_byKey.TryGetValue(root.Key, out var incident) && incident.IsOpen)
        {
            var updated = Observed(incident, root, window, culprits);
            if (!incident.FiringNow)
            {
                updated = Flap(updated with { Transitions = [.. incident.Transitions, window] }, window);
                Emit(IncidentChangeKind.Updated, updated, notify: false, window, "firing again");
            }
            else
            {
                Unflap(updated, window);
            }

            return;
        }

        if (incident is not null)
        {
            // Resolved within the cooling period (older ones were forgotten): the same problem is back.
            var reopened = Observed(incident, root, window, culprits) with
            {
                Status = IncidentStatus.Triggered,
                AcknowledgedAtMs = null,
                AcknowledgedBy = null,
                ResolvedAtMs = null,
                ResolvedBy = null,
                ResolvedWindowMs = null,
                TriggeredAtMs = now,
                LastEscalatedAtMs = now,
                EscalationLevel = 0,
                Transitions = [.. incident.Transitions, window],
            };
            reopened = Flap(reopened, window);
            Emit(IncidentChangeKind.Reopened, reopened, notify: !reopened.Flapping, window, $"back within the cooling period; was resolved by {incident.ResolvedBy}");
            return;
        }

        var opened = Observed(
            new Incident
            {
                Id = IncidentIds.For(root.Key, window),
                Key = root.Key,
                Rule = root.Rule,
                Severity = root.Severity,
                Metric = root.Metric,
                Slice = root.Slice,
                OpenedAtMs = root.SinceMs,
                TriggeredAtMs = now,
                LastEscalatedAtMs = now,
            },
            root,
            window,
            culprits);
        Emit(IncidentChangeKind.Opened, opened, notify: true, window, opened.Title);
    }

    /// <summary>The incident with the root signal's latest numbers.</summary>
    private static Incident Observed(Incident incident, AlertSignal root, long window, IReadOnlyList<Culprit>? culprits) => incident with
    {
        Severity = root.Severity,
        Title = root.Annotations.TryGetValue("summary", out var summary) && summary.Length > 0 ? summary : $"{root.Rule}: {root.Metric} at {root.Slice}",
        Value = root.Value,
        Baseline = root.Baseline,
        Threshold = root.Threshold,
        Labels = root.Labels,
        Annotations = root.Annotations,
        Culprits = culprits ?? incident.Culprits,
        LastWindowMs = window,
        FiringNow = true,
        ClearWindows = 0,
    };

    private void Clear(Incident incident, long window)
    {
        var cleared = incident with { ClearWindows = incident.ClearWindows + 1, FiringNow = false };
        if (incident.FiringNow)
        {
            cleared = Flap(cleared with { Transitions = [.. incident.Transitions, window] }, window);
        }
        else
        {
            cleared = Unflap(cleared, window);
        }

        _byKey[incident.Key] = cleared;
        if (cleared.ClearWindows >= _options.AutoResolveAfterWindows && !cleared.Flapping)
        {
            ResolveNow(cleared, window, "auto", $"not firing for {cleared.ClearWindows} windows", window);
        }
    }

    private void ResolveNow(Incident incident, long window, string by, string detail, long? causeWindow)
    {
        var resolved = incident with { Status = IncidentStatus.Resolved, ResolvedAtMs = Now, ResolvedBy = by, ResolvedWindowMs = window, FiringNow = false };
        Emit(IncidentChangeKind.Resolved, resolved, notify: true, causeWindow, detail, by);
    }

    /// <summary>Counts recent fire/clear changes; past the threshold the incident flaps: one notice, then quiet.</summary>
    private Incident Flap(Incident incident, long window)
    {
        var since = window - (long)_options.FlapPeriod.TotalMilliseconds;
        var recent = incident with { Transitions = [.. incident.Transitions.Where(t => t > since)] };
        _byKey[incident.Key] = recent;
        if (!recent.Flapping && recent.Transitions.Count > _options.FlapThreshold)
        {
            recent = recent with { Flapping = true };
            Emit(IncidentChangeKind.Flapping, recent, notify: true, window,
                $"{recent.Transitions.Count} fire/clear changes within {Durations.Format(_options.FlapPeriod)}: no further pages until stable");
        }

        return _byKey[incident.Key];
    }

    /// <summary>A flapping incident is stable again after a whole flap period without changes.</summary>
    private Incident Unflap(Incident incident, long window)
    {
        var since = window - (long)_options.FlapPeriod.TotalMilliseconds;
        if (incident.Flapping && incident.Transitions.All(t => t <= since))
        {
            Emit(IncidentChangeKind.Updated, incident with { Flapping = false, Transitions = [] }, notify: false, window, "stable again: pages resume");
            return _byKey[incident.Key];
        }

        _byKey[incident.Key] = incident;
        return incident;
    }

    private void Attach(Incident incident, string symptom, long window)
    {
        if (incident.Symptoms.Contains(symptom, StringComparer.Ordinal))
        {
            return;
        }

        Emit(IncidentChangeKind.SymptomAttached, incident with { Symptoms = [.. incident.Symptoms, symptom] }, notify: false, window, symptom);

        // The symptom had paged on its own before its root fired: its incident is now part of this one.
        if (_byKey.TryGetValue(symptom, out var own) && own.IsOpen)
        {
            ResolveNow(own, window, "auto", $"merged into {incident.Id} as a symptom", window);
        }
    }

    private void Inhibit(Incident wide, string key, long window)
    {
        var current = _byKey[wide.Key];
        if (!current.Inhibited.Contains(key, StringComparer.Ordinal))
        {
            Emit(IncidentChangeKind.Inhibited, current with { Inhibited = [.. current.Inhibited, key] }, notify: false, window, key);
        }
    }

    /// <summary>An open incident on a wide slice (global, one region, one CDN) that holds this root's slice.</summary>
    private Incident? Inhibitor(AlertSignal root)
        => _byKey.Values
            .Where(i => i.IsOpen && i.Key != root.Key && IsInhibiting(i.Slice) && !i.Slice.Equals(root.Slice) && Topology.Contains(i.Slice, root.Slice))
            .OrderBy(i => i.Slice.Dimensions.Count)
            .ThenBy(i => i.Id, StringComparer.Ordinal)
            .FirstOrDefault();

    private bool IsInhibiting(Slice slice)
        => slice.IsGlobal || (slice.Dimensions.Count == 1 && _options.InhibitingDimensions.Contains(slice.Dimensions[0].Key, StringComparer.Ordinal));

    private bool MutedNow(Incident incident)
    {
        var now = _time.GetUtcNow();
        return _silences.Any(s => s.IsActive(now) && s.Matches(incident, Topology));
    }

    private void ForgetCooled(long window)
    {
        var cooling = (long)_options.CoolingPeriod.TotalMilliseconds;
        foreach (var incident in _byKey.Values.Where(i => !i.IsOpen && i.ResolvedWindowMs + cooling < window).ToList())
        {
            _byKey.Remove(incident.Key);
        }
    }

    /// <summary>Records a change: the next event number, and for notifications the mute check and the page bookkeeping.</summary>
    private void Emit(IncidentChangeKind kind, Incident incident, bool notify, long? window, string detail, string actor = "auto")
    {
        var muted = notify && MutedNow(incident);
        var now = Now;
        var next = incident with { Seq = incident.Seq + 1 };
        if (notify)
        {
            next = next with { Muted = muted };
        }

        var change = new IncidentChange(kind, next, next.Seq, notify && !muted, muted, window, now, actor, detail);
        if (change.IsPage)
        {
            next = next with { NotifyCount = next.NotifyCount + 1, LastNotifiedAtMs = now };
            change = change with { Incident = next };
        }

        _byKey[next.Key] = next;
        _changes.Add(change);
    }
}
