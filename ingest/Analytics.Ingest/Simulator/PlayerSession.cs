using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator.Incidents;

namespace Analytics.Ingest.Simulator;

/// <summary>
/// One playback session as a state machine over event time. <see cref="Step"/> emits the next
/// beacon at <see cref="NextTimeMs"/>; the generator keeps sessions in a queue ordered by that time.
/// Draws come from the session's own random stream, so a session's beacons depend only on the
/// seed, its index and its start time. Injected incidents act through <see cref="SessionIncidents"/>;
/// a session they end early stays away (counted, silent) for its planned length, so the population
/// controller does not replace it and traffic outside the incident keeps its volume.
/// </summary>
internal sealed class PlayerSession
{
    private const long Never = long.MaxValue;

    private readonly ulong _eventIdBase;
    private readonly DeviceInfo _device;
    private readonly GeoInfo _geo;
    private readonly Pop _pop;
    private readonly string _titleId;
    private readonly long _contentMs;
    private readonly double _quality;
    private readonly double _congestion;
    private readonly double _cacheHitProbability;
    private readonly int _maxRung;
    private readonly int _baseRung;
    private readonly SessionIncidents? _incidents;
    private SimRandom _rng;

    private Phase _phase;
    private Action _next;
    private int _seq;

    private long _startOutcomeAt;
    private Action _startOutcome;
    private int _rung;
    private int _targetRung;
    private long _playhead;
    private long _accruedAt;
    private double _bytes;
    private long _nextHeartbeatAt;
    private long _nextPlayingEventAt;
    private long _stallAt = Never;
    private long _rebufferEndAt;
    private long _resumeAt;
    private long _fatalAt;
    private long _endAt;
    private long _watchMs;
    private long _plannedEndAt;
    private string? _incidentErrorCode;
    private bool _dropped;
    private bool _redraw;
    private double _stallFactor = 1;
    private double _stallLengthFactor = 1;

    // incidents: injected incidents (null or empty: none). title: watched instead of a drawn one (a
    // premiere's extra viewers); the draw still happens, to keep the player stream aligned.
    public PlayerSession(long index, ulong seed, long startMs, DimensionCatalog catalog, ReadOnlySpan<double> regionLoads, IReadOnlyList<Incident>? incidents = null, int? title = null)
    {
        Index = index;
        _rng = SimRandom.ForStream(seed, 100, (ulong)index);
        Id = "s-" + Hex16(SimRandom.Mix(seed ^ SimRandom.Mix((ulong)index + 0x5EED)));
        Key = System.Text.Encoding.ASCII.GetBytes(Id);
        _eventIdBase = SimRandom.Mix(seed + 0xE7E27);

        var region = DimensionCatalog.PickRegion(regionLoads, ref _rng);
        (_geo, var isp) = catalog.PickGeo(region, ref _rng);
        _pop = catalog.PickPop(region, ref _rng);
        var deviceTypeIndex = catalog.PickDeviceType(ref _rng);
        var deviceType = DimensionCatalog.DeviceTypes[deviceTypeIndex];
        _device = catalog.PickDevice(deviceTypeIndex, ref _rng);
        var drawnTitle = catalog.PickTitle(ref _rng);
        var titleIndex = title ?? drawnTitle;
        _titleId = catalog.TitleIds[titleIndex];
        _contentMs = catalog.TitleDurationsMs[titleIndex];
        _quality = isp.Quality;
        _congestion = DiurnalCurve.Congestion(DimensionCatalog.Regions[region], startMs);

        // Long-tail titles are less often in the edge cache.
        var rankFraction = titleIndex / (double)catalog.TitleIds.Count;
        _cacheHitProbability = Math.Clamp(_pop.CacheHitRate + 0.03 - (0.12 * rankFraction), 0.0, 0.995);

        _maxRung = RungAtMost(deviceType.MaxBitrateKbps);
        var bandwidth = _rng.LogNormal(PlayerModel.BandwidthMedianKbps * _quality * _quality * deviceType.BandwidthFactor / _congestion, PlayerModel.BandwidthSigma);
        _baseRung = Math.Min(_maxRung, RungAtMost((int)(0.75 * bandwidth)));
        _targetRung = _baseRung;
        _rung = Math.Max(0, _baseRung - 1 - _rng.NextInt(3));
        if (incidents is { Count: > 0 })
        {
            _incidents = SessionIncidents.For(incidents, seed, index, DimensionCatalog.Regions[region].Name, isp.Name, _pop, _device.AppVersion, _titleId);
        }

        PlanStart(startMs, deviceType);
        _phase = Phase.Pending;
        _next = Action.PlayRequest;
        NextTimeMs = startMs;
    }

    private enum Phase : byte
    {
        Pending,
        Starting,
        Playing,
        Rebuffering,
        Paused,

        /// <summary>Ended by an incident (or never started): silent, but still counted by the population controller.</summary>
        Away,
        Finished,
    }

    private enum Action : byte
    {
        PlayRequest,
        FirstFrame,
        StartError,
        StartExit,
        Heartbeat,
        PlayingEvent,
        SeekStall,
        RebufferEnd,
        Resume,
        FatalError,
        ViewerExit,
        ContentEnd,
        IncidentStartError,
        Leave,
    }

    public long Index { get; }

    public string Id { get; }

    /// <summary>The session id as UTF-8, shared by all of the session's messages.</summary>
    public byte[] Key { get; }

    /// <summary>Event time of the next beacon.</summary>
    public long NextTimeMs { get; private set; }

    /// <summary>True once the session emitted <c>end</c> or a fatal <c>error</c>.</summary>
    public bool IsFinished => _phase == Phase.Finished;

    /// <summary>True between play_request and the terminal beacon.</summary>
    public bool IsLive => _phase is not (Phase.Pending or Phase.Away or Phase.Finished);

    public string TitleId => _titleId;

    /// <summary>
    /// Runs the action due at <see cref="NextTimeMs"/> and schedules the next one. Returns its
    /// beacon, or null when the action changed state without one (an ABR check that kept the rendition).
    /// </summary>
    public PlaybackBeacon? Step()
    {
        var beacon = Execute(_next, NextTimeMs);
        if (_phase != Phase.Finished)
        {
            ScheduleNext();
        }

        return beacon;
    }

    private void PlanStart(long t0, DeviceType deviceType)
    {
        var median = PlayerModel.StartupMedianMs * deviceType.StartupFactor * _pop.StartupFactor * Math.Pow(1 / _quality, 1.5) * _congestion;
        if (_incidents is not null)
        {
            // Scaling the median scales the lognormal draw: the player stream stays aligned.
            median *= _incidents.StartupFactor(t0);
        }

        var startup = Math.Max(150, _rng.LogNormal(median, PlayerModel.StartupSigma));
        var patience = Math.Min(PlayerModel.MaxPatienceMs, _rng.LogNormal(PlayerModel.PatienceMedianMs, PlayerModel.PatienceSigma));
        var failure = PlayerModel.StartFailureProbability * Math.Pow(1 / _quality, 2) * _congestion * _pop.StartupFactor;
        if (_rng.Chance(failure))
        {
            _startOutcome = Action.StartError;
            _startOutcomeAt = t0 + (long)(Math.Min(startup, patience) * (0.3 + (0.7 * _rng.NextDouble())));
        }
        else if (_rng.Chance(PlayerModel.ChangedMindProbability))
        {
            _startOutcome = Action.StartExit;
            _startOutcomeAt = t0 + (long)(Math.Min(startup, patience) * (0.1 + (0.85 * _rng.NextDouble())));
        }
        else if (startup > patience)
        {
            _startOutcome = Action.StartExit;
            _startOutcomeAt = t0 + (long)patience;
        }
        else
        {
            _startOutcome = Action.FirstFrame;
            _startOutcomeAt = t0 + (long)startup;
        }

        _startOutcomeAt = Math.Max(_startOutcomeAt, t0 + 1);
        _watchMs = (long)Math.Clamp(_rng.LogNormal(PlayerModel.WatchMedianMs, PlayerModel.WatchSigma), PlayerModel.MinWatchMs, PlayerModel.MaxWatchMs);
        _playhead = _rng.Chance(0.25) ? (long)(_rng.NextDouble() * 0.8 * _contentMs) : 0;
        _plannedEndAt = _startOutcomeAt + (_startOutcome == Action.FirstFrame ? _watchMs : 0);
        if (_incidents is null)
        {
            return;
        }

        if (_incidents.Dropped(t0))
        {
            _dropped = true;
        }
        else if (_incidents.StartFailure(t0) is { } code)
        {
            _incidentErrorCode = code;
            _startOutcome = Action.IncidentStartError;
            _startOutcomeAt = t0 + _incidents.Delay(300, 4_000);
        }
    }

    private PlaybackBeacon? Execute(Action action, long t)
    {
        if (_incidents is not null)
        {
            _stallFactor = _incidents.StallFactor(t);
            _stallLengthFactor = _incidents.StallLengthFactor(t);
        }

        switch (action)
        {
            case Action.PlayRequest when _dropped:
                _phase = Phase.Away;
                return null;
            case Action.PlayRequest:
                _phase = Phase.Starting;
                return Beacon(EventType.PlayRequest, t);
            case Action.IncidentStartError:
                _phase = Phase.Away;
                return Beacon(EventType.Error, t, errorCode: _incidentErrorCode, fatal: true);
            case Action.Leave:
                _phase = Phase.Finished;
                return null;
            case Action.FirstFrame:
                _phase = Phase.Playing;
                _accruedAt = t;
                _nextHeartbeatAt = t + PlayerModel.HeartbeatIntervalMs;
                _endAt = t + _watchMs;
                _fatalAt = t + Math.Max(1, (long)_rng.Exponential(60_000 / (PlayerModel.FatalErrorPerMinute / (_quality * _quality))));
                if (_incidents?.Crash(t) is { } crash)
                {
                    _incidentErrorCode = crash;
                    _fatalAt = Math.Min(_fatalAt, t + _incidents.Delay(2_000, 120_000));
                }

                DrawNextPlayingEvent(t);
                return Beacon(EventType.FirstFrame, t, playhead: _playhead, bitrate: Kbps);
            case Action.StartError:
                _phase = Phase.Finished;
                return Beacon(EventType.Error, t, errorCode: PlayerModel.StartErrorCodes[_rng.NextInt(PlayerModel.StartErrorCodes.Length)], fatal: true);
            case Action.StartExit:
                _phase = Phase.Finished;
                return Beacon(EventType.End, t);
            case Action.Heartbeat:
                {
                    Accrue(t);
                    var bytes = (long)Math.Round(_bytes * (1 + (PlayerModel.BytesJitter * ((2 * _rng.NextDouble()) - 1))));
                    _bytes = 0;
                    _nextHeartbeatAt += PlayerModel.HeartbeatIntervalMs;
                    var hitChance = _incidents?.CacheHitProbability(_cacheHitProbability, t) ?? _cacheHitProbability;
                    return Beacon(EventType.Heartbeat, t, playhead: _playhead, bitrate: Kbps, bytes: bytes, cacheHit: _rng.Chance(hitChance));
                }

            case Action.PlayingEvent when _redraw:
                // An incident changed the stall rate: waits are memoryless, so drawing afresh at the new rate is exact.
                Accrue(t);
                DrawNextPlayingEvent(t);
                return null;
            case Action.PlayingEvent:
                Accrue(t);
                return PlayingEvent(t);
            case Action.SeekStall:
                Accrue(t);
                _stallAt = Never;
                _phase = Phase.Rebuffering;
                _rebufferEndAt = t + Math.Max(20, (long)_rng.LogNormal(PlayerModel.SeekStallMedianMs, 0.5));
                return Beacon(EventType.RebufferStart, t, playhead: _playhead);
            case Action.RebufferEnd:
                _phase = Phase.Playing;
                _accruedAt = t;
                DrawNextPlayingEvent(t);
                return Beacon(EventType.RebufferEnd, t, playhead: _playhead);
            case Action.Resume:
                _phase = Phase.Playing;
                _accruedAt = t;
                DrawNextPlayingEvent(t);
                return Beacon(EventType.Resume, t, playhead: _playhead);
            case Action.FatalError when _incidentErrorCode is not null:
                Accrue(t);
                _phase = Phase.Away;
                return Beacon(EventType.Error, t, playhead: _playhead, errorCode: _incidentErrorCode, fatal: true);
            case Action.FatalError:
                Accrue(t);
                _phase = Phase.Finished;
                return Beacon(EventType.Error, t, playhead: _playhead, errorCode: PlayerModel.FatalErrorCodes[_rng.NextInt(PlayerModel.FatalErrorCodes.Length)], fatal: true);
            case Action.ViewerExit:
            case Action.ContentEnd:
                Accrue(t);
                _phase = Phase.Finished;
                return Beacon(EventType.End, t, playhead: _playhead);
            default:
                throw new InvalidOperationException($"unknown action {action}");
        }
    }

    private PlaybackBeacon? PlayingEvent(long t)
    {
        var rebuffer = RebufferRate;
        var abr = AbrRate;
        var x = _rng.NextDouble() * TotalPlayingRate;
        if ((x -= rebuffer) < 0)
        {
            _phase = Phase.Rebuffering;
            var duration = Math.Clamp(_rng.LogNormal(PlayerModel.RebufferMedianMs / _quality * _stallLengthFactor, PlayerModel.RebufferSigma), 100, 60_000);
            _rebufferEndAt = t + (long)duration;

            // The player often steps down after a stall; the target drifts back later.
            if (_rng.Chance(0.5))
            {
                _targetRung = Math.Max(0, _rung - 1);
            }

            return Beacon(EventType.RebufferStart, t, playhead: _playhead);
        }

        if ((x -= abr) < 0)
        {
            var before = _rung;
            if (_rung < _targetRung)
            {
                _rung++;
            }
            else if (_rung > _targetRung)
            {
                _rung--;
            }
            else
            {
                // Bandwidth fluctuates around what the access line sustains.
                _targetRung = Math.Clamp(_baseRung + _rng.NextInt(3) - 1, 0, _maxRung);
            }

            DrawNextPlayingEvent(t);
            return _rung == before ? null : Beacon(EventType.BitrateChange, t, playhead: _playhead, bitrate: Kbps);
        }

        if ((x -= PerMs(PlayerModel.SeekPerMinute)) < 0)
        {
            var delta = _rng.Chance(0.6) ? _rng.NextLong(10_000, 300_000) : -_rng.NextLong(5_000, 120_000);
            _playhead = Math.Clamp(_playhead + delta, 0, Math.Max(0, _contentMs - 10_000));
            _stallAt = t + _rng.NextLong(5, 80);
            return Beacon(EventType.Seek, t, playhead: _playhead);
        }

        if ((x -= PerMs(PlayerModel.PausePerMinute)) < 0)
        {
            _phase = Phase.Paused;
            _resumeAt = t + (long)Math.Clamp(_rng.LogNormal(PlayerModel.PauseMedianMs, 1.0), 1_000, PlayerModel.MaxPauseMs);
            return Beacon(EventType.Pause, t, playhead: _playhead);
        }

        DrawNextPlayingEvent(t);
        return Beacon(EventType.Error, t, playhead: _playhead, errorCode: PlayerModel.NonFatalErrorCodes[_rng.NextInt(PlayerModel.NonFatalErrorCodes.Length)], fatal: false);
    }

    private void ScheduleNext()
    {
        switch (_phase)
        {
            case Phase.Starting:
                _next = _startOutcome;
                NextTimeMs = _startOutcomeAt;
                return;
            case Phase.Pending:
                throw new InvalidOperationException("a pending session has no next event but its play_request");
            case Phase.Away:
                _next = Action.Leave;
                NextTimeMs = Math.Max(NextTimeMs + 1, _plannedEndAt);
                return;
        }

        var best = _nextHeartbeatAt;
        var next = Action.Heartbeat;
        switch (_phase)
        {
            case Phase.Playing:
                var stateEvent = _stallAt != Never ? _stallAt : _nextPlayingEventAt;
                if (stateEvent < best)
                {
                    best = stateEvent;
                    next = _stallAt != Never ? Action.SeekStall : Action.PlayingEvent;
                }

                var contentEnd = _accruedAt + (_contentMs - _playhead);
                if (contentEnd < best)
                {
                    best = contentEnd;
                    next = Action.ContentEnd;
                }

                break;
            case Phase.Rebuffering when _rebufferEndAt < best:
                best = _rebufferEndAt;
                next = Action.RebufferEnd;
                break;
            case Phase.Paused when _resumeAt < best:
                best = _resumeAt;
                next = Action.Resume;
                break;
        }

        if (_endAt < best)
        {
            best = _endAt;
            next = Action.ViewerExit;
        }

        if (_fatalAt < best)
        {
            best = _fatalAt;
            next = Action.FatalError;
        }

        NextTimeMs = best;
        _next = next;
    }

    private void Accrue(long t)
    {
        if (_phase == Phase.Playing)
        {
            var dt = t - _accruedAt;
            _playhead = Math.Min(_contentMs, _playhead + dt);
            _bytes += Kbps * dt / 8.0;
        }

        _accruedAt = t;
    }

    private void DrawNextPlayingEvent(long t)
    {
        _nextPlayingEventAt = t + 1 + (long)_rng.Exponential(1 / TotalPlayingRate);
        _redraw = false;
        if (_incidents?.NextRateChange(t) is { } change && change < _nextPlayingEventAt)
        {
            _nextPlayingEventAt = change;
            _redraw = true;
        }
    }

    private int Kbps => DimensionCatalog.BitrateLadderKbps[_rung];

    private double RebufferRate => PerMs(PlayerModel.RebufferPerMinute * Math.Pow(1 / _quality, 3) * _congestion * _congestion) * _stallFactor;

    private double AbrRate => PerMs(_rung == _targetRung ? PlayerModel.AbrSettledPerMinute : PlayerModel.AbrConvergingPerMinute);

    private double TotalPlayingRate => RebufferRate + AbrRate + PerMs(PlayerModel.SeekPerMinute + PlayerModel.PausePerMinute)
        + PerMs(PlayerModel.NonFatalErrorPerMinute / _quality);

    private static double PerMs(double perMinute) => perMinute / 60_000;

    private static int RungAtMost(int kbps)
    {
        var ladder = DimensionCatalog.BitrateLadderKbps;
        var rung = 0;
        while (rung + 1 < ladder.Count && ladder[rung + 1] <= kbps)
        {
            rung++;
        }

        return rung;
    }

    private PlaybackBeacon Beacon(EventType type, long t, long? playhead = null, int? bitrate = null, long? bytes = null, bool? cacheHit = null, string? errorCode = null, bool? fatal = null)
    {
        // Unique within a run: the mix is a bijection of (session index, sequence number).
        var id = Hex16(SimRandom.Mix(_eventIdBase ^ (((ulong)Index << 20) | (uint)_seq++)));
        return new PlaybackBeacon
        {
            EventId = id,
            SessionId = Id,
            Type = type,
            TimestampMs = t,
            Device = _device,
            Geo = _geo,
            Cdn = _pop.Cdn,
            Pop = _pop.Name,
            TitleId = _titleId,
            PlayheadMs = playhead,
            BitrateKbps = bitrate,
            Bytes = bytes,
            CacheHit = cacheHit,
            ErrorCode = errorCode,
            Fatal = fatal,
        };
    }

    public static string Hex16(ulong value) => string.Create(16, value, static (span, v) =>
    {
        for (var i = 15; i >= 0; i--)
        {
            span[i] = "0123456789abcdef"[(int)(v & 0xF)];
            v >>= 4;
        }
    });
}
