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
