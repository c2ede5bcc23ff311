using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator.Incidents;

namespace Analytics.Ingest.Simulator;

/// <summary>
/// Generates playback traffic deterministically from <see cref="SimulatorOptions.Seed"/>, in
/// delivery order. Sessions are advanced in event-time order; each beacon then gets its delivery
/// delay, and delayed ones wait in a queue until every later-generated message is known to be
/// delivered after them. Independent random streams (per session, for arrivals, for each delivery
/// knob) keep the valid beacons identical whatever the delivery knobs are. Injected incidents
/// change only the sessions in their slice and time range; a premiere adds extra sessions on its
/// title that the population controller does not count, so other titles keep their traffic.
/// Single use and not thread-safe: create one per run.
/// </summary>
internal sealed class TrafficGenerator
{
    /// <summary>
    /// Average beacons per live session per second with the default player model (measured over
    /// long seeded runs); converts a target event rate into a concurrency.
    /// </summary>
    public const double EventsPerSessionSecond = 0.115;

    private const long ControlIntervalMs = 1_000;

    /// <summary>Premiere extras are numbered from here, apart from regular sessions, so regular sessions keep their ids and streams.</summary>
    private const long ExtraIndexBase = 1L << 40;

    private readonly SimulatorOptions _options;
    private readonly DimensionCatalog _catalog;
    private readonly PriorityQueue<PlayerSession, (long Time, long Seq)> _sessions = new();
    private readonly PriorityQueue<SimulatedMessage, (long Time, long Seq)> _delayed = new();
    private readonly double[] _regionLoads = new double[DimensionCatalog.Regions.Count];
    private readonly long _startMs;
    private readonly long _endMs;
    private readonly long _maxEvents;
    private readonly int _initialConcurrency;
    private readonly IReadOnlyList<Incident> _incidents;
    private readonly Incident[] _premieres;
    private readonly double _initialLoad;
    private SimRandom _arrivals;
    private SimRandom _delays;
    private SimRandom _duplicates;
    private SimRandom _malformed;
    private SimRandom _extras;
    private long _seq;
    private long _nextSessionIndex;
    private long _nextExtraIndex;
    private int _queuedExtras;
    private bool _started;

    public TrafficGenerator(SimulatorOptions options)
    {
        options.Validate();
        _options = options;
        _catalog = new DimensionCatalog(options.TitleCount);
        _startMs = options.StartTimeMs ?? SimulatorOptions.DefaultStartTimeMs;
        _endMs = options.Duration is { } d ? _startMs + (long)d.TotalMilliseconds : long.MaxValue;
        _maxEvents = options.MaxEvents ?? long.MaxValue;
        _initialConcurrency = options.ResolveConcurrentSessions();
        _initialLoad = DiurnalCurve.RegionLoads(_startMs, _regionLoads);
        _arrivals = SimRandom.ForStream(options.Seed, 1, 0);
        _delays = SimRandom.ForStream(options.Seed, 2, 0);
        _duplicates = SimRandom.ForStream(options.Seed, 3, 0);
        _malformed = SimRandom.ForStream(options.Seed, 4, 0);
        _extras = SimRandom.ForStream(options.Seed, 5, 0);
        _incidents = options.ParseIncidents().Select(i => i.Resolve(_startMs)).ToList();
        _premieres = _incidents.Where(i => i.Kind == IncidentKind.Premiere).ToArray();
    }

    public DimensionCatalog Catalog => _catalog;

    public long StartTimeMs => _startMs;

    /// <summary>The injected incidents pinned to this run's start: the ground truth of a backtest.</summary>
    public IReadOnlyList<Incident> Incidents => _incidents;

    /// <summary>Sessions between play_request and their terminal beacon.</summary>
    public int LiveSessions { get; private set; }

    /// <summary>Sessions that emitted play_request so far.</summary>
    public long SessionsStarted { get; private set; }

    /// <summary>Original valid beacons generated so far (not counting duplicates).</summary>
    public long ValidEvents { get; private set; }

    public long DuplicateMessages { get; private set; }

    public long MalformedMessages { get; private set; }

    /// <summary>Event time of the latest generated beacon.</summary>
    public long EventTimeMs { get; private set; }

    /// <summary>The target concurrency at an instant: the start target scaled by the diurnal curve.</summary>
    public int TargetConcurrency(long utcMs)
    {
        if (!_options.FollowDiurnalCurve)
        {
            return _initialConcurrency;
        }

        Span<double> loads = stackalloc double[DimensionCatalog.Regions.Count];
        var load = DiurnalCurve.RegionLoads(utcMs, loads);
        return Math.Max(1, (int)Math.Round(_initialConcurrency * load / _initialLoad));
    }

    /// <summary>A fresh generator's messages; each enumeration replays the same traffic.</summary>
    public static IEnumerable<SimulatedMessage> Generate(SimulatorOptions options)
    {
        options.Validate();
        return Replay(options);

        static IEnumerable<SimulatedMessage> Replay(SimulatorOptions options)
        {
            foreach (var m in new TrafficGenerator(options).Messages())
            {
                yield return m;
            }
        }
    }

    /// <summary>The messages in delivery order (ties broken by generation order). Enumerate once.</summary>
    public IEnumerable<SimulatedMessage> Messages()
    {
        if (_started)
        {
            throw new InvalidOperationException("A TrafficGenerator runs once; create a new one (same options give the same traffic).");
        }

        _started = true;
        return Run();
    }

    private IEnumerable<SimulatedMessage> Run()
    {
        var rampMs = (long)_options.RampUp.TotalMilliseconds;
        for (var i = 0; i < _initialConcurrency; i++)
        {
            Spawn(_startMs + (rampMs == 0 ? 0 : _arrivals.NextLong(0, rampMs - 1)));
        }

        var nextControl = _startMs + ControlIntervalMs;
        using var encoder = new EventEncoder();
        using var malformed = new MalformedBeacons(_options.IncludeOversizeMalformed);
        var o = _options;
        var delayedFraction = o.OutOfOrderFraction + o.LateFraction + o.TooLateFraction;

        while (ValidEvents < _maxEvents && _sessions.TryPeek(out _, out var next))
        {
            if (next.Time >= nextControl)
            {
                Control(nextControl);
                nextControl += ControlIntervalMs;
                continue;
            }

            var t = next.Time;
            if (t >= _endMs)
            {
                break;
            }

            // Nothing generated from now on is delivered before t, so anything due by t can go.
            while (_delayed.TryPeek(out var due, out var at) && at.Time <= t)
            {
                _delayed.Dequeue();
                yield return due;
            }

            var session = _sessions.Dequeue();
            var wasLive = session.IsLive;
            var beacon = session.Step();
            if (wasLive && !session.IsLive)
            {
                LiveSessions--;
            }

            if (!session.IsFinished)
            {
                _sessions.Enqueue(session, (session.NextTimeMs, _seq++));
            }
            else if (session.Index >= ExtraIndexBase)
            {
                _queuedExtras--;
            }

            if (beacon is null)
            {
                continue;
            }

            var sequence = ValidEvents++;
            EventTimeMs = t;
            if (!wasLive)
            {
                LiveSessions++;
                SessionsStarted++;
            }

            var value = encoder.EncodeToArray(beacon);
            var (kind, delay) = delayedFraction > 0 ? DrawDelay() : (DeliveryKind.Normal, 0L);
            var message = new SimulatedMessage(sequence, t + delay, session.Key, value, beacon, kind);
            if (delay == 0)
            {
                yield return message;
            }
            else
            {
                _delayed.Enqueue(message, (message.DeliveryTimeMs, _seq++));
            }

            if (o.DuplicateFraction > 0 && _duplicates.Chance(o.DuplicateFraction))
            {
                var at = message.DeliveryTimeMs + _duplicates.NextLong(1, (long)o.MaxDuplicateDelay.TotalMilliseconds);
                _delayed.Enqueue(new SimulatedMessage(sequence, at, session.Key, value, beacon, DeliveryKind.Duplicate), (at, _seq++));
                DuplicateMessages++;
            }

            if (o.MalformedFraction > 0 && _malformed.Chance(o.MalformedFraction))
            {
                var bad = malformed.Create(beacon, ref _malformed);
                MalformedMessages++;
                yield return new SimulatedMessage(sequence, t, session.Key, bad.Value, null, DeliveryKind.Malformed, bad.Reason, bad.Field);
            }
        }

        while (_delayed.TryDequeue(out var rest, out _))
        {
            yield return rest;
        }
    }

    private (DeliveryKind Kind, long DelayMs) DrawDelay()
    {
        var o = _options;
        var u = _delays.NextDouble();
        if (u < o.OutOfOrderFraction)
        {
            return (DeliveryKind.OutOfOrder, _delays.NextLong(1, (long)o.MaxOutOfOrderDelay.TotalMilliseconds));
        }

        if (u < o.OutOfOrderFraction + o.LateFraction)
        {
            return (DeliveryKind.Late, _delays.NextLong((long)o.LateDelayMin.TotalMilliseconds, (long)o.LateDelayMax.TotalMilliseconds));
        }

        if (u < o.OutOfOrderFraction + o.LateFraction + o.TooLateFraction)
        {
            return (DeliveryKind.TooLate, _delays.NextLong((long)o.TooLateDelayMin.TotalMilliseconds, (long)o.TooLateDelayMax.TotalMilliseconds));
        }

        return (DeliveryKind.Normal, 0);
    }

    /// <summary>Tops the population up to the target: new sessions start spread over the next interval.</summary>
    private void Control(long now)
    {
        var deficit = TargetConcurrency(now) - (_sessions.Count - _queuedExtras);
        for (var i = 0; i < deficit; i++)
        {
            Spawn(now + _arrivals.NextLong(0, ControlIntervalMs - 1));
        }
    }

    private void Spawn(long startMs)
    {
        DiurnalCurve.RegionLoads(startMs, _regionLoads);
        var session = new PlayerSession(_nextSessionIndex++, _options.Seed, startMs, _catalog, _regionLoads, _incidents);
        _sessions.Enqueue(session, (startMs, _seq++));
        foreach (var premiere in _premieres)
        {
            if (session.TitleId == premiere.Spec.Value && premiere.Strength(startMs) is > 0 and var s)
            {
                SpawnExtras(premiere, startMs, (premiere.Spec.Knob("boost") - 1) * s);
            }
        }
    }

    /// <summary>A premiere multiplies arrivals on its title: each regular arrival on it brings this many more on average.</summary>
    private void SpawnExtras(Incident premiere, long startMs, double mean)
    {
        var count = (int)mean + (_extras.Chance(mean - Math.Floor(mean)) ? 1 : 0);
        var title = int.Parse(premiere.Spec.Value.AsSpan(1), System.Globalization.CultureInfo.InvariantCulture) - 1;
        for (var i = 0; i < count; i++)
        {
            var at = startMs + _extras.NextLong(0, ControlIntervalMs - 1);
            var extra = new PlayerSession(ExtraIndexBase + _nextExtraIndex++, _options.Seed, at, _catalog, _regionLoads, _incidents, title);
            _sessions.Enqueue(extra, (at, _seq++));
            _queuedExtras++;
        }
    }
}
