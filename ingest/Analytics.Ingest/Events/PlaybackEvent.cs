namespace Analytics.Ingest.Events;

/// <summary>
/// The dimensions a beacon carries. Values are interned by the decoder, so equal values are
/// usually the same string instance.
/// </summary>
internal readonly record struct EventDimensions(
    string DeviceType,
    string Os,
    string Model,
    string AppVersion,
    string Region,
    string Country,
    string Isp,
    long Asn,
    string Cdn,
    string Pop,
    string TitleId);

/// <summary>
/// A decoded, validated beacon in the compact form the processor works on. The session id and
/// the raw event id stay with the decoder (see <see cref="EventDecoder.SessionId"/>); only the
/// event id's stable hash travels with the event.
/// </summary>
internal struct PlaybackEvent
{
    public const long Absent = -1;

    /// <summary>An event with every optional field marked absent: where decoding starts.</summary>
    public static PlaybackEvent Blank => new() { PlayheadMs = Absent, Bytes = Absent, CacheHit = -1 };

    public EventType Type;
    public long TimestampMs;
    public ulong EventIdHash;
    public EventDimensions Dimensions;

    /// <summary>Playhead position in ms, or <see cref="Absent"/>.</summary>
    public long PlayheadMs;

    /// <summary>Rendition bitrate in kbps, or 0 when absent.</summary>
    public int BitrateKbps;

    /// <summary>Bytes downloaded since the previous beacon, or <see cref="Absent"/>.</summary>
    public long Bytes;

    /// <summary>Whether <see cref="Bytes"/> came from the edge cache: 1, 0, or -1 when absent.</summary>
    public sbyte CacheHit;

    public string? ErrorCode;
    public bool Fatal;
}

/// <summary>
/// A beacon with every field as an object: what the simulator builds, the encoder writes and
/// the tests' reference computations read. The processor never materialises this form.
/// </summary>
internal sealed record PlaybackBeacon
{
    public const int SchemaVersion = 1;

    public required string EventId { get; init; }

    public required string SessionId { get; init; }

    public required EventType Type { get; init; }

    public required long TimestampMs { get; init; }

    public required DeviceInfo Device { get; init; }

    public required GeoInfo Geo { get; init; }

    public required string Cdn { get; init; }

    public required string Pop { get; init; }

    public required string TitleId { get; init; }

    public long? PlayheadMs { get; init; }

    public int? BitrateKbps { get; init; }

    public long? Bytes { get; init; }

    public bool? CacheHit { get; init; }

    public string? ErrorCode { get; init; }

    public bool? Fatal { get; init; }
}

internal sealed record DeviceInfo(string Type, string Os, string? Model, string AppVersion);

internal sealed record GeoInfo(string Region, string Country, string Isp, long? Asn);
