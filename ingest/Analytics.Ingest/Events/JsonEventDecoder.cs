using System.Text;
using System.Text.Json;
using static Analytics.Ingest.Events.EventDecoder;

namespace Analytics.Ingest.Events;

/// <summary>
/// The general decoder: validates one JSON beacon (schema v1, see docs/events.md) token by
/// token with <see cref="Utf8JsonReader"/>. It defines the contract's verdicts and messages;
/// <see cref="EventDecoder"/> uses it for whatever its scanner leaves undecided, and the
/// differential fuzz uses it as the oracle. Not thread-safe.
/// </summary>
internal sealed class JsonEventDecoder
{
    private static readonly JsonReaderOptions ReaderOptions = new() { MaxDepth = 8 };

    private readonly StringPool _pool;
    private readonly char[] _sessionChars = new char[MaxIdBytes];
    private readonly byte[] _eventId = new byte[MaxIdBytes];
    private readonly byte[] _scratch = new byte[MaxEventBytes];
    private int _sessionLength;
    private int _eventIdLength;

    public JsonEventDecoder(StringPool pool)
    {
        _pool = pool;
    }

    public StringPool Pool => _pool;

    /// <summary>Why the last <see cref="TryDecode"/> failed.</summary>
    public InvalidEvent Error { get; private set; }

    /// <summary>The session id of the last decoded event; valid until the next call.</summary>
    public ReadOnlySpan<char> SessionId => _sessionChars.AsSpan(0, _sessionLength);

    /// <summary>The raw event id of the last decoded event; valid until the next call.</summary>
    public ReadOnlySpan<byte> EventIdUtf8 => _eventId.AsSpan(0, _eventIdLength);

    public bool TryDecode(ReadOnlySpan<byte> utf8, out PlaybackEvent ev)
    {
        if (TryDecodeV1(utf8, out ev))
        {
            return true;
        }

        // A beacon of another version may break v1's field rules anywhere, even before its "v"
        // is read: name the version, so that a rollout mistake shows as such.
        if (Error.Reason is InvalidEventReason.MissingField or InvalidEventReason.InvalidField
                or InvalidEventReason.DuplicateField or InvalidEventReason.UnknownEventType
            && Error.Field != "v" && OtherSchemaVersion(utf8) is { } version)
        {
            Fail(InvalidEventReason.UnsupportedSchemaVersion, "v", $"schema version {version} is not supported; this processor reads version {PlaybackBeacon.SchemaVersion}");
        }

        return false;
    }

    private bool TryDecodeV1(ReadOnlySpan<byte> utf8, out PlaybackEvent ev)
    {
        ev = PlaybackEvent.Blank;
        _sessionLength = 0;
        _eventIdLength = 0;
        Error = default;

        if (utf8.IsEmpty)
        {
            return Fail(InvalidEventReason.Empty, null, "the message has no bytes");
        }

        if (utf8.Length > MaxEventBytes)
        {
            return Fail(InvalidEventReason.TooLarge, null, $"the message has {utf8.Length} bytes; the limit is {MaxEventBytes}");
        }

        try
        {
            var reader = new Utf8JsonReader(utf8, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return Fail(InvalidEventReason.NotAnObject, null, "a beacon must be a JSON object");
            }

            var seen = BeaconField.None;
            long version = 0;
            string deviceType = string.Empty, os = string.Empty, model = string.Empty, appVersion = string.Empty;
            string region = string.Empty, country = string.Empty, isp = string.Empty;
            string cdn = string.Empty, pop = string.Empty, title = string.Empty;
            long asn = PlaybackEvent.Absent;

            while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
            {
                var name = PropertyName(ref reader);
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                switch (name.Length)
                {
                    case 1 when name[0] == (byte)'v':
                        if (!Mark(ref seen, BeaconField.Version, "v") || !ReadInt64(ref reader, "v", 0, int.MaxValue, out version))
                        {
                            return false;
                        }

                        break;
                    case 2 when name.SequenceEqual("ts"u8):
                        if (!Mark(ref seen, BeaconField.Ts, "ts") || !ReadInt64(ref reader, "ts", MinTimestampMs, MaxTimestampMs - 1, out ev.TimestampMs))
                        {
                            return false;
                        }

                        break;
                    case 3 when name.SequenceEqual("cdn"u8):
                        if (!Mark(ref seen, BeaconField.Cdn, "cdn") || !ReadInterned(ref reader, "cdn", out cdn))
                        {
                            return false;
                        }

                        break;
                    case 3 when name.SequenceEqual("pop"u8):
                        if (!Mark(ref seen, BeaconField.Pop, "pop") || !ReadInterned(ref reader, "pop", out pop))
                        {
                            return false;
                        }

                        break;
                    case 3 when name.SequenceEqual("geo"u8):
                        if (!Mark(ref seen, BeaconField.Geo, "geo") || !ReadGeo(ref reader, ref seen, out region, out country, out isp, out asn))
                        {
                            return false;
                        }

                        break;
                    case 4 when name.SequenceEqual("type"u8):
                        if (!Mark(ref seen, BeaconField.Type, "type") || !ReadType(ref reader, out ev.Type))
                        {
                            return false;
                        }

                        break;
                    case 5 when name.SequenceEqual("bytes"u8):
                        if (!Mark(ref seen, BeaconField.Bytes, "bytes") || !ReadInt64(ref reader, "bytes", 0, MaxBytes, out ev.Bytes))
                        {
                            return false;
                        }

                        break;
                    case 5 when name.SequenceEqual("fatal"u8):
                        if (!Mark(ref seen, BeaconField.Fatal, "fatal") || !ReadBool(ref reader, "fatal", out ev.Fatal))
                        {
                            return false;
                        }

                        break;
                    case 6 when name.SequenceEqual("device"u8):
                        if (!Mark(ref seen, BeaconField.Device, "device") || !ReadDevice(ref reader, ref seen, out deviceType, out os, out model, out appVersion))
                        {
                            return false;
                        }

                        break;
                    case 8 when name.SequenceEqual("event_id"u8):
                        if (!Mark(ref seen, BeaconField.EventId, "event_id") || !ReadEventId(ref reader))
                        {
                            return false;
                        }

                        break;
                    case 8 when name.SequenceEqual("title_id"u8):
                        if (!Mark(ref seen, BeaconField.TitleId, "title_id") || !ReadInterned(ref reader, "title_id", out title))
                        {
                            return false;
                        }

                        break;
                    case 9 when name.SequenceEqual("cache_hit"u8):
                        if (!Mark(ref seen, BeaconField.CacheHit, "cache_hit") || !ReadBool(ref reader, "cache_hit", out var hit))
                        {
                            return false;
                        }

                        ev.CacheHit = hit ? (sbyte)1 : (sbyte)0;
                        break;
                    case 10 when name.SequenceEqual("session_id"u8):
                        if (!Mark(ref seen, BeaconField.SessionId, "session_id") || !ReadSessionId(ref reader))
                        {
                            return false;
                        }

                        break;
                    case 10 when name.SequenceEqual("error_code"u8):
                        if (!Mark(ref seen, BeaconField.ErrorCode, "error_code") || !ReadInterned(ref reader, "error_code", out var code))
                        {
                            return false;
                        }

                        ev.ErrorCode = code;
                        break;
                    case 11 when name.SequenceEqual("playhead_ms"u8):
                        if (!Mark(ref seen, BeaconField.Playhead, "playhead_ms") || !ReadInt64(ref reader, "playhead_ms", 0, MaxPlayheadMs, out ev.PlayheadMs))
                        {
                            return false;
                        }

                        break;
                    case 12 when name.SequenceEqual("bitrate_kbps"u8):
                        if (!Mark(ref seen, BeaconField.Bitrate, "bitrate_kbps") || !ReadInt64(ref reader, "bitrate_kbps", 1, MaxBitrateKbps, out var kbps))
                        {
                            return false;
                        }

                        ev.BitrateKbps = (int)kbps;
                        break;
                    default:
                        // Unknown fields are allowed so that producers can add fields before processors read them.
                        reader.Skip();
                        break;
                }
            }

            // Anything after the object (a second value, garbage) makes the reader throw.
            if (reader.Read())
            {
                return Fail(InvalidEventReason.MalformedJson, null, "unexpected content after the beacon object");
            }

            if ((seen & BeaconField.Version) == 0)
            {
                return Fail(InvalidEventReason.MissingField, "v", "the schema version is required");
            }

            if (version != PlaybackBeacon.SchemaVersion)
            {
                return Fail(InvalidEventReason.UnsupportedSchemaVersion, "v", $"schema version {version} is not supported; this processor reads version {PlaybackBeacon.SchemaVersion}");
            }

            if (!Require(seen, BeaconField.EventId, "event_id") || !Require(seen, BeaconField.SessionId, "session_id")
                || !Require(seen, BeaconField.Type, "type") || !Require(seen, BeaconField.Ts, "ts")
                || !Require(seen, BeaconField.Device, "device") || !Require(seen, BeaconField.DeviceType, "device.type")
                || !Require(seen, BeaconField.DeviceOs, "device.os") || !Require(seen, BeaconField.DeviceAppVersion, "device.app_version")
                || !Require(seen, BeaconField.Geo, "geo") || !Require(seen, BeaconField.GeoRegion, "geo.region")
                || !Require(seen, BeaconField.GeoCountry, "geo.country") || !Require(seen, BeaconField.GeoIsp, "geo.isp")
                || !Require(seen, BeaconField.Cdn, "cdn") || !Require(seen, BeaconField.Pop, "pop") || !Require(seen, BeaconField.TitleId, "title_id"))
            {
                return false;
            }

            if (!RequireForType(ev.Type, seen))
            {
                return false;
            }

            ev.EventIdHash = StableHash.Hash64(EventIdUtf8);
            ev.Dimensions = new EventDimensions(deviceType, os, model, appVersion, region, country, isp, asn, cdn, pop, title);
            return true;
        }
        catch (JsonException ex)
        {
            return Fail(InvalidEventReason.MalformedJson, null, ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            // Raised by the reader for tokens of the wrong kind, e.g. a number too large for Int64.
            return Fail(InvalidEventReason.MalformedJson, null, ex.Message);
        }
    }

    /// <summary>The top-level "v" when it is a valid version number other than the one this decoder reads.</summary>
    private static long? OtherSchemaVersion(ReadOnlySpan<byte> utf8)
    {
        try
        {
            var reader = new Utf8JsonReader(utf8, ReaderOptions);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isVersion = reader.ValueTextEquals("v"u8);
                reader.Read();
                if (isVersion && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var v)
                    && v is >= 0 and <= int.MaxValue && v != PlaybackBeacon.SchemaVersion)
                {
                    return v;
                }

                reader.Skip();
            }
        }
        catch (JsonException)
        {
            // The version is unknown, so the original rejection stands.
        }

        return null;
    }

    private bool RequireForType(EventType type, BeaconField seen) => type switch
    {
        EventType.FirstFrame => Require(seen, BeaconField.Bitrate, "bitrate_kbps"),
        EventType.Heartbeat => Require(seen, BeaconField.Playhead, "playhead_ms") && Require(seen, BeaconField.Bitrate, "bitrate_kbps")
            && Require(seen, BeaconField.Bytes, "bytes") && Require(seen, BeaconField.CacheHit, "cache_hit"),
        EventType.BitrateChange => Require(seen, BeaconField.Bitrate, "bitrate_kbps"),
        EventType.Seek => Require(seen, BeaconField.Playhead, "playhead_ms"),
        EventType.Error => Require(seen, BeaconField.ErrorCode, "error_code") && Require(seen, BeaconField.Fatal, "fatal"),
        _ => true,
    };

    private bool Require(BeaconField seen, BeaconField flag, string field)
        => (seen & flag) != 0 || Fail(InvalidEventReason.MissingField, field, $"{field} is required");

    private bool Mark(ref BeaconField seen, BeaconField flag, string field)
    {
        if ((seen & flag) != 0)
        {
            return Fail(InvalidEventReason.DuplicateField, field, $"{field} appears more than once");
        }

        seen |= flag;
        return true;
    }

    private bool ReadDevice(ref Utf8JsonReader reader, ref BeaconField seen, out string type, out string os, out string model, out string appVersion)
    {
        type = os = model = appVersion = string.Empty;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return Fail(InvalidEventReason.InvalidField, "device", "device must be an object");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = PropertyName(ref reader);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            var ok = name switch
            {
                _ when name.SequenceEqual("type"u8) => Mark(ref seen, BeaconField.DeviceType, "device.type") && ReadInterned(ref reader, "device.type", out type),
                _ when name.SequenceEqual("os"u8) => Mark(ref seen, BeaconField.DeviceOs, "device.os") && ReadInterned(ref reader, "device.os", out os),
                _ when name.SequenceEqual("model"u8) => Mark(ref seen, BeaconField.DeviceModel, "device.model") && ReadInterned(ref reader, "device.model", out model),
                _ when name.SequenceEqual("app_version"u8) => Mark(ref seen, BeaconField.DeviceAppVersion, "device.app_version") && ReadInterned(ref reader, "device.app_version", out appVersion),
                _ => SkipValue(ref reader),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private bool ReadGeo(ref Utf8JsonReader reader, ref BeaconField seen, out string region, out string country, out string isp, out long asn)
    {
        region = country = isp = string.Empty;
        asn = PlaybackEvent.Absent;
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return Fail(InvalidEventReason.InvalidField, "geo", "geo must be an object");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = PropertyName(ref reader);
            reader.Read();
            if (reader.TokenType == JsonTokenType.Null)
            {
                continue;
            }

            var ok = name switch
            {
                _ when name.SequenceEqual("region"u8) => Mark(ref seen, BeaconField.GeoRegion, "geo.region") && ReadInterned(ref reader, "geo.region", out region),
                _ when name.SequenceEqual("country"u8) => Mark(ref seen, BeaconField.GeoCountry, "geo.country") && ReadInterned(ref reader, "geo.country", out country),
                _ when name.SequenceEqual("isp"u8) => Mark(ref seen, BeaconField.GeoIsp, "geo.isp") && ReadInterned(ref reader, "geo.isp", out isp),
                _ when name.SequenceEqual("asn"u8) => Mark(ref seen, BeaconField.GeoAsn, "geo.asn") && ReadInt64(ref reader, "geo.asn", 0, uint.MaxValue, out asn),
                _ => SkipValue(ref reader),
            };
            if (!ok)
            {
                return false;
            }
        }

        return true;
    }

    private static bool SkipValue(ref Utf8JsonReader reader)
    {
        reader.Skip();
        return true;
    }

    private bool ReadType(ref Utf8JsonReader reader, out EventType type)
    {
        type = 0;
        if (!ReadRaw(ref reader, "type", MaxValueBytes, out var raw))
        {
            return false;
        }

        return EventTypes.TryParse(raw, out type)
            || Fail(InvalidEventReason.UnknownEventType, "type", $"\"{Encoding.UTF8.GetString(raw)}\" is not a known event type");
    }

    private bool ReadEventId(ref Utf8JsonReader reader)
    {
        if (!ReadRaw(ref reader, "event_id", MaxIdBytes, out var raw))
        {
            return false;
        }

        raw.CopyTo(_eventId);
        _eventIdLength = raw.Length;
        return true;
    }

    private bool ReadSessionId(ref Utf8JsonReader reader)
    {
        if (!ReadRaw(ref reader, "session_id", MaxIdBytes, out var raw))
        {
            return false;
        }

        // ASCII ids transcode one byte per char, so the buffer of MaxIdBytes chars always suffices.
        _sessionLength = Encoding.UTF8.GetChars(raw, _sessionChars);
        return true;
    }

    private bool ReadInterned(ref Utf8JsonReader reader, string field, out string value)
    {
        if (!ReadRaw(ref reader, field, MaxValueBytes, out var raw))
        {
            value = string.Empty;
            return false;
        }

        value = _pool.GetOrAdd(raw);
        return true;
    }

    /// <summary>Reads a non-empty string value, unescaped, within the length limit.</summary>
    private bool ReadRaw(ref Utf8JsonReader reader, string field, int maxBytes, out ReadOnlySpan<byte> value)
    {
        value = default;
        if (reader.TokenType != JsonTokenType.String)
        {
            return Fail(InvalidEventReason.InvalidField, field, $"{field} must be a string, not {Describe(reader.TokenType)}");
        }

        if (reader.ValueIsEscaped || reader.HasValueSequence)
        {
            var n = reader.CopyString(_scratch);
            value = _scratch.AsSpan(0, n);
        }
        else
        {
            value = reader.ValueSpan;
        }

        if (value.IsEmpty)
        {
            return Fail(InvalidEventReason.InvalidField, field, $"{field} must not be empty");
        }

        if (value.Length > maxBytes)
        {
            return Fail(InvalidEventReason.InvalidField, field, $"{field} has {value.Length} bytes; the limit is {maxBytes}");
        }

        return true;
    }

    private bool ReadInt64(ref Utf8JsonReader reader, string field, long min, long max, out long value)
    {
        value = 0;
        if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out value))
        {
            return Fail(InvalidEventReason.InvalidField, field, $"{field} must be an integer, not {Describe(reader.TokenType)}");
        }

        if (value < min || value > max)
        {
            return Fail(InvalidEventReason.InvalidField, field, $"{field} must be between {min} and {max}, got {value}");
        }

        return true;
    }

    private bool ReadBool(ref Utf8JsonReader reader, string field, out bool value)
    {
        value = reader.TokenType == JsonTokenType.True;
        return reader.TokenType is JsonTokenType.True or JsonTokenType.False
            || Fail(InvalidEventReason.InvalidField, field, $"{field} must be true or false, not {Describe(reader.TokenType)}");
    }

    private ReadOnlySpan<byte> PropertyName(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan;
        }

        var n = reader.CopyString(_scratch);
        return _scratch.AsSpan(0, n);
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number out of range or with a fraction",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => token.ToString(),
    };

    private bool Fail(InvalidEventReason reason, string? field, string message)
    {
        Error = new InvalidEvent(reason, field, message);
        return false;
    }
}
