using Analytics.Ingest.Events;

namespace Analytics.Testing;

/// <summary>Hand-built beacons for small, readable scenarios.</summary>
internal static class Beacons
{
    private static readonly DeviceInfo Tv = new("tv", "tizen", null, "6.14.0");
    private static readonly GeoInfo UsEast = new("us-east", "US", "Comcast", 7922);
    private static int _ids;

    public static PlaybackBeacon Make(string session, EventType type, long ts, int? kbps = null, long? bytes = null, bool? cacheHit = null, string? error = null, bool? fatal = null, string region = "us-east") => new()
    {
        EventId = $"{session}-{Interlocked.Increment(ref _ids)}",
        SessionId = session,
        Type = type,
        TimestampMs = ts,
        Device = Tv,
        Geo = UsEast with { Region = region },
        Cdn = "oca",
        Pop = "iad-1",
        TitleId = "t000001",
        PlayheadMs = type is EventType.Heartbeat or EventType.Seek ? 0 : null,
        BitrateKbps = kbps ?? (type is EventType.FirstFrame or EventType.Heartbeat or EventType.BitrateChange ? 3000 : null),
        Bytes = bytes ?? (type == EventType.Heartbeat ? 0 : null),
        CacheHit = cacheHit ?? (type == EventType.Heartbeat ? true : null),
        ErrorCode = error ?? (type == EventType.Error ? "E1" : null),
        Fatal = fatal ?? (type == EventType.Error ? false : null),
    };

    public static byte[] Encode(PlaybackBeacon b)
    {
        using var encoder = new EventEncoder();
        return encoder.EncodeToArray(b);
    }
}
