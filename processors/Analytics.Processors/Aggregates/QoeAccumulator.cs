using Analytics.Processors.Sketches;

namespace Analytics.Processors.Aggregates;

/// <summary>
/// The QoE state of one window and dimension combination: one aggregate state per metric (see
/// docs/metrics.md for definitions). Sessions add contributions with sign +1 and retract them with
/// sign −1 when a late beacon changes what they contributed.
/// </summary>
internal class QoeAccumulator
{
    // The sums every piece of playing time and every heartbeat updates come first, so that they
    // share the object's first cache line; the runtime keeps declaration order among longs.
    public long PlayingMs;
    private long _bitrateKbpsMs;
    private long _bitrateMs;
    public long ConcurrentPlays;
    public long Bytes;
    public long CacheHitBytes;
    public long Attempts;
    public long Plays;
    public long VideoStartFailures;
    public long ExitsBeforeVideoStart;
    public long PlaybackFailures;
    // Most rows never see a play (a window of a small region, say): their sketch stays unallocated.
    private DdSketch? _startTime;
    public long StartTimeSumMs;
    public long RebufferMs;
    public long SeekRebufferMs;
    public long Rebuffers;
    public long SeekRebuffers;
    public long BitrateSwitches;
    public long Errors;
    public long FatalErrors;
    public Dictionary<string, long>? ErrorsByCode;

    /// <summary>Σ kbps·ms over Σ ms of playing time.</summary>
    public RatioState Bitrate
    {
        get => new(_bitrateKbpsMs, _bitrateMs);
        set => (_bitrateKbpsMs, _bitrateMs) = (value.Numerator, value.Denominator);
    }

    /// <summary>The start-time sketch, read-only (the shared empty one until a play arrives).</summary>
    public DdSketch StartTime => _startTime ?? DdSketch.Empty;

    /// <summary>The start-time sketch to change, created on first use.</summary>
    public DdSketch StartTimeForUpdate() => _startTime ??= QuantileAggregate.Init();

    public void Attempt(int sign) => Attempts = Sum(Attempts, 1, sign);

    public void Play(int sign, long startTimeMs)
    {
        Plays = Sum(Plays, 1, sign);
        StartTimeSumMs = Sum(StartTimeSumMs, startTimeMs, sign);
        _startTime = sign > 0 ? QuantileAggregate.Accumulate(StartTimeForUpdate(), startTimeMs) : QuantileAggregate.Deaccumulate(StartTimeForUpdate(), startTimeMs);
    }

    public void VideoStartFailure(int sign) => VideoStartFailures = Sum(VideoStartFailures, 1, sign);

    public void ExitBeforeVideoStart(int sign) => ExitsBeforeVideoStart = Sum(ExitsBeforeVideoStart, 1, sign);

    public void PlaybackFailure(int sign) => PlaybackFailures = Sum(PlaybackFailures, 1, sign);

    public void Playing(int sign, long ms, int bitrateKbps)
    {
        PlayingMs = Sum(PlayingMs, ms, sign);
        Bitrate = sign > 0
            ? TimeWeightedAverageAggregate.Accumulate(Bitrate, (bitrateKbps, ms))
            : TimeWeightedAverageAggregate.Deaccumulate(Bitrate, (bitrateKbps, ms));
    }

    public void Rebuffering(int sign, long ms, bool seekInduced)
    {
        RebufferMs = Sum(RebufferMs, ms, sign);
        if (seekInduced)
        {
            SeekRebufferMs = Sum(SeekRebufferMs, ms, sign);
        }
    }

    public void RebufferStart(int sign, bool seekInduced)
    {
        Rebuffers = Sum(Rebuffers, 1, sign);
        if (seekInduced)
        {
            SeekRebuffers = Sum(SeekRebuffers, 1, sign);
        }
    }

    public void BitrateSwitch(int sign) => BitrateSwitches = Sum(BitrateSwitches, 1, sign);

    public void ConcurrentPlay(int sign) => ConcurrentPlays = Sum(ConcurrentPlays, 1, sign);

    public void Delivered(int sign, long bytes, bool cacheHit)
    {
        Bytes = Sum(Bytes, bytes, sign);
        if (cacheHit)
        {
            CacheHitBytes = Sum(CacheHitBytes, bytes, sign);
        }
    }

    public void Error(int sign, string code, bool fatal)
    {
        Errors = Sum(Errors, 1, sign);
        if (fatal)
        {
            FatalErrors = Sum(FatalErrors, 1, sign);
        }

        ErrorsByCode ??= CountByKeyAggregate.Init();
        ErrorsByCode = sign > 0 ? CountByKeyAggregate.Accumulate(ErrorsByCode, code) : CountByKeyAggregate.Deaccumulate(ErrorsByCode, code);
    }

    public void Merge(QoeAccumulator other)
    {
        Attempts = SumAggregate.Merge(Attempts, other.Attempts);
        Plays = SumAggregate.Merge(Plays, other.Plays);
        VideoStartFailures = SumAggregate.Merge(VideoStartFailures, other.VideoStartFailures);
        ExitsBeforeVideoStart = SumAggregate.Merge(ExitsBeforeVideoStart, other.ExitsBeforeVideoStart);
        PlaybackFailures = SumAggregate.Merge(PlaybackFailures, other.PlaybackFailures);
        if (!other.StartTime.IsEmpty)
        {
            _startTime = QuantileAggregate.Merge(StartTimeForUpdate(), other.StartTime);
        }
        StartTimeSumMs = SumAggregate.Merge(StartTimeSumMs, other.StartTimeSumMs);
        PlayingMs = SumAggregate.Merge(PlayingMs, other.PlayingMs);
        RebufferMs = SumAggregate.Merge(RebufferMs, other.RebufferMs);
        SeekRebufferMs = SumAggregate.Merge(SeekRebufferMs, other.SeekRebufferMs);
        Rebuffers = SumAggregate.Merge(Rebuffers, other.Rebuffers);
        SeekRebuffers = SumAggregate.Merge(SeekRebuffers, other.SeekRebuffers);
        Bitrate = TimeWeightedAverageAggregate.Merge(Bitrate, other.Bitrate);
        BitrateSwitches = SumAggregate.Merge(BitrateSwitches, other.BitrateSwitches);
        ConcurrentPlays = SumAggregate.Merge(ConcurrentPlays, other.ConcurrentPlays);
        Bytes = SumAggregate.Merge(Bytes, other.Bytes);
        CacheHitBytes = SumAggregate.Merge(CacheHitBytes, other.CacheHitBytes);
        Errors = SumAggregate.Merge(Errors, other.Errors);
        FatalErrors = SumAggregate.Merge(FatalErrors, other.FatalErrors);
        if (other.ErrorsByCode is { Count: > 0 })
        {
            ErrorsByCode = CountByKeyAggregate.Merge(ErrorsByCode ?? CountByKeyAggregate.Init(), other.ErrorsByCode);
        }
    }

    /// <summary>True when every contribution has been retracted again.</summary>
    public bool IsZero =>
        Attempts == 0 && Plays == 0 && VideoStartFailures == 0 && ExitsBeforeVideoStart == 0 && PlaybackFailures == 0
        && StartTime.IsEmpty && StartTimeSumMs == 0 && PlayingMs == 0 && RebufferMs == 0 && SeekRebufferMs == 0
        && Rebuffers == 0 && SeekRebuffers == 0 && Bitrate == default && BitrateSwitches == 0 && ConcurrentPlays == 0
        && Bytes == 0 && CacheHitBytes == 0 && Errors == 0 && FatalErrors == 0 && (ErrorsByCode is null || ErrorsByCode.Count == 0);

    public QoeSummary Result() => new(
        Attempts: SumAggregate.Result(Attempts),
        Plays: SumAggregate.Result(Plays),
        VideoStartFailures: SumAggregate.Result(VideoStartFailures),
        ExitsBeforeVideoStart: SumAggregate.Result(ExitsBeforeVideoStart),
        PlaybackFailures: SumAggregate.Result(PlaybackFailures),
        StartTimeP50Ms: StartTime.Quantile(0.50),
        StartTimeP90Ms: StartTime.Quantile(0.90),
        StartTimeP95Ms: StartTime.Quantile(0.95),
        StartTimeP99Ms: StartTime.Quantile(0.99),
        RebufferingRatio: RatioAggregate.Result(new RatioState(RebufferMs, PlayingMs + RebufferMs)),
        ConnectionInducedRebufferingRatio: RatioAggregate.Result(new RatioState(RebufferMs - SeekRebufferMs, PlayingMs + RebufferMs - SeekRebufferMs)),
        AverageBitrateKbps: TimeWeightedAverageAggregate.Result(Bitrate),
        ConcurrentPlays: ConcurrentPlays,
        PlayingMinutes: PlayingMs / 60_000.0,
        CacheHitRatio: RatioAggregate.Result(new RatioState(CacheHitBytes, Bytes)),
        Errors: Errors);

    private static long Sum(long state, long input, int sign)
        => sign > 0 ? SumAggregate.Accumulate(state, input) : SumAggregate.Deaccumulate(state, input);
}

/// <summary>Top-line QoE of an accumulator, for views and logs; ClickHouse computes the same from stored states.</summary>
internal readonly record struct QoeSummary(
    long Attempts,
    long Plays,
    long VideoStartFailures,
    long ExitsBeforeVideoStart,
    long PlaybackFailures,
    double StartTimeP50Ms,
    double StartTimeP90Ms,
    double StartTimeP95Ms,
    double StartTimeP99Ms,
    double RebufferingRatio,
    double ConnectionInducedRebufferingRatio,
    double AverageBitrateKbps,
    long ConcurrentPlays,
    double PlayingMinutes,
    double CacheHitRatio,
    long Errors);
