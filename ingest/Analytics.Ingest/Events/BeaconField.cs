namespace Analytics.Ingest.Events;

/// <summary>The fields of a beacon, as flags: which ones a decoder has seen, and which a type requires.</summary>
[Flags]
internal enum BeaconField : uint
{
    None = 0,
    Version = 1 << 0,
    EventId = 1 << 1,
    SessionId = 1 << 2,
    Type = 1 << 3,
    Ts = 1 << 4,
    Device = 1 << 5,
    Geo = 1 << 6,
    Cdn = 1 << 7,
    Pop = 1 << 8,
    TitleId = 1 << 9,
    Playhead = 1 << 10,
    Bitrate = 1 << 11,
    Bytes = 1 << 12,
    CacheHit = 1 << 13,
    ErrorCode = 1 << 14,
    Fatal = 1 << 15,
    DeviceType = 1 << 16,
    DeviceOs = 1 << 17,
    DeviceModel = 1 << 18,
    DeviceAppVersion = 1 << 19,
    GeoRegion = 1 << 20,
    GeoCountry = 1 << 21,
    GeoIsp = 1 << 22,
    GeoAsn = 1 << 23,
}
