namespace Analytics.Processors.Aggregates;

internal enum ContributionKind : byte
{
    Attempt,
    Play,
    VideoStartFailure,
    ExitBeforeVideoStart,
    PlaybackFailure,
    Playing,
    Rebuffering,
    RebufferStart,
    BitrateSwitch,
    ConcurrentPlay,
    Delivered,
    Error,
}

/// <summary>One thing a session adds to the window containing its time, e.g. 4 s of playing at 5800 kbps.</summary>
internal readonly record struct Contribution(ContributionKind Kind, long Value = 0, int Kbps = 0, bool Flag = false, string? Code = null)
{
    public static Contribution Attempt => new(ContributionKind.Attempt);

    public static Contribution VideoStartFailure => new(ContributionKind.VideoStartFailure);

    public static Contribution ExitBeforeVideoStart => new(ContributionKind.ExitBeforeVideoStart);

    public static Contribution PlaybackFailure => new(ContributionKind.PlaybackFailure);

    public static Contribution BitrateSwitch => new(ContributionKind.BitrateSwitch);

    public static Contribution ConcurrentPlay => new(ContributionKind.ConcurrentPlay);

    public static Contribution Play(long startTimeMs) => new(ContributionKind.Play, startTimeMs);

    public static Contribution Playing(long ms, int kbps) => new(ContributionKind.Playing, ms, kbps);

    public static Contribution Rebuffering(long ms, bool seekInduced) => new(ContributionKind.Rebuffering, ms, Flag: seekInduced);

    public static Contribution RebufferStart(bool seekInduced) => new(ContributionKind.RebufferStart, Flag: seekInduced);

    public static Contribution Delivered(long bytes, bool cacheHit) => new(ContributionKind.Delivered, bytes, Flag: cacheHit);

    public static Contribution Error(string code, bool fatal) => new(ContributionKind.Error, Flag: fatal, Code: code);

    public void ApplyTo(QoeAccumulator acc, int sign)
    {
        switch (Kind)
        {
            case ContributionKind.Attempt:
                acc.Attempt(sign);
                break;
            case ContributionKind.Play:
                acc.Play(sign, Value);
                break;
            case ContributionKind.VideoStartFailure:
                acc.VideoStartFailure(sign);
                break;
            case ContributionKind.ExitBeforeVideoStart:
                acc.ExitBeforeVideoStart(sign);
                break;
            case ContributionKind.PlaybackFailure:
                acc.PlaybackFailure(sign);
                break;
            case ContributionKind.Playing:
                acc.Playing(sign, Value, Kbps);
                break;
            case ContributionKind.Rebuffering:
                acc.Rebuffering(sign, Value, Flag);
                break;
            case ContributionKind.RebufferStart:
                acc.RebufferStart(sign, Flag);
                break;
            case ContributionKind.BitrateSwitch:
                acc.BitrateSwitch(sign);
                break;
            case ContributionKind.ConcurrentPlay:
                acc.ConcurrentPlay(sign);
                break;
            case ContributionKind.Delivered:
                acc.Delivered(sign, Value, Flag);
                break;
            case ContributionKind.Error:
                acc.Error(sign, Code ?? string.Empty, Flag);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(Kind), Kind, null);
        }
    }
}
