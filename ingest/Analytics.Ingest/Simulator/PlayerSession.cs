using Analytics.Ingest.Events;

namespace Analytics.Ingest.Simulator;

/// <summary>The player model's parameters, in one place so that QoE expectations can be traced to them.</summary>
internal static class PlayerModel
{
    public const long HeartbeatIntervalMs = 10_000;

    public const double StartupMedianMs = 1_300;
    public const double StartupSigma = 0.55;
    public const double PatienceMedianMs = 15_000;
    public const double PatienceSigma = 0.8;

    /// <summary>No viewer waits longer than this for the first frame, so a session is never silent for 60 s.</summary>
    public const double MaxPatienceMs = 40_000;

    public const double StartFailureProbability = 0.008;
    public const double ChangedMindProbability = 0.01;

    public const double WatchMedianMs = 20 * 60_000;
    public const double WatchSigma = 1.1;
    public const double MaxWatchMs = 3 * 3_600_000;
    public const double MinWatchMs = 5_000;

    public const double BandwidthMedianKbps = 18_000;
    public const double BandwidthSigma = 0.5;

    /// <summary>Rates of playing-state events per minute of playback, before ISP and congestion factors.</summary>
    public const double RebufferPerMinute = 0.08;
    public const double AbrSettledPerMinute = 0.25;
    public const double AbrConvergingPerMinute = 3.0;
    public const double SeekPerMinute = 0.04;
    public const double PausePerMinute = 0.035;
    public const double NonFatalErrorPerMinute = 0.01;
    public const double FatalErrorPerMinute = 0.0005;

    public const double RebufferMedianMs = 1_800;
    public const double RebufferSigma = 0.8;
    public const double SeekStallMedianMs = 450;
    public const double PauseMedianMs = 30_000;
    public const double MaxPauseMs = 15 * 60_000;

    /// <summary>Bytes per heartbeat vary by this fraction around bitrate × playing time (segment granularity).</summary>
    public const double BytesJitter = 0.02;

    public static readonly string[] StartErrorCodes = ["MANIFEST_LOAD_FAILED", "DRM_LICENSE_DENIED", "CDN_HTTP_503", "MEDIA_ERR_SRC_NOT_SUPPORTED", "GEO_BLOCKED"];
    public static readonly string[] FatalErrorCodes = ["PLAYBACK_DECODE_ERROR", "DRM_LICENSE_EXPIRED", "NETWORK_LOST", "CDN_HTTP_503"];
    public static readonly string[] NonFatalErrorCodes = ["NETWORK_TIMEOUT_RETRIED", "SEGMENT_404_RETRIED", "DRM_RENEWAL_RETRIED", "DECODER_GLITCH"];
}

/// <summary>
/// One playback session as a state machine over event time. <see cref="Step"/> emits the next
/// beacon at <see cref="NextTimeMs"/>; the generator keeps sessions in a queue ordered by that time.
/// Draws come from the session's own random stream, so a session's beacons depend only on the
/// seed, its index and its start time.
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

    public PlayerSession(long index, ulong seed, long startMs, DimensionCatalog catalog, ReadOnlySpan<double> regionLoads)
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
        var title = catalog.PickTitle(ref _rng);
        _titleId = catalog.TitleIds[title];
        _contentMs = catalog.TitleDurationsMs[title];
        _quality = isp.Quality;
        _congestion = DiurnalCurve.Congestion(DimensionCatalog.Regions[region], startMs);

        // Long-tail titles are less often in the edge cache.
        var rankFraction = title / (double)catalog.TitleIds.Count;
        _cacheHitProbability = Math.Clamp(_pop.CacheHitRate + 0.03 - (0.12 * rankFraction), 0.0, 0.995);

        _maxRung = RungAtMost(deviceType.MaxBitrateKbps);
        var bandwidth = _rng.LogNormal(PlayerModel.BandwidthMedianKbps * _quality * _quality * deviceType.BandwidthFactor / _congestion, PlayerModel.BandwidthSigma);
        _baseRung = Math.Min(_maxRung, RungAtMost((int)(0.75 * bandwidth)));
        _targetRung = _baseRung;
        _rung = Math.Max(0, _baseRung - 1 - _rng.NextInt(3));

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
    public bool IsLive => _phase is not (Phase.Pending or Phase.Finished);

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
    }

    private PlaybackBeacon? Execute(Action action, long t)
    {
        switch (action)
        {
            case Action.PlayRequest:
                _phase = Phase.Starting;
                return Beacon(EventType.PlayRequest, t);
            case Action.FirstFrame:
                _phase = Phase.Playing;
                _accruedAt = t;
                _nextHeartbeatAt = t + PlayerModel.HeartbeatIntervalMs;
                _endAt = t + _watchMs;
                _fatalAt = t + Math.Max(1, (long)_rng.Exponential(60_000 / (PlayerModel.FatalErrorPerMinute / (_quality * _quality))));
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
                    return Beacon(EventType.Heartbeat, t, playhead: _playhead, bitrate: Kbps, bytes: bytes, cacheHit: _rng.Chance(_cacheHitProbability));
                }

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
            var duration = Math.Clamp(_rng.LogNormal(PlayerModel.RebufferMedianMs / _quality, PlayerModel.RebufferSigma), 100, 60_000);
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
        => _nextPlayingEventAt = t + 1 + (long)_rng.Exponential(1 / TotalPlayingRate);

    private int Kbps => DimensionCatalog.BitrateLadderKbps[_rung];

    private double RebufferRate => PerMs(PlayerModel.RebufferPerMinute * Math.Pow(1 / _quality, 3) * _congestion * _congestion);

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
