using System.Buffers;
using System.Text.Json;
using Analytics.Ingest.Events;

namespace Analytics.Ingest.Simulator;

/// <summary>An invalid message and what the decoder must say about it.</summary>
internal readonly record struct MalformedPayload(byte[] Value, InvalidEventReason Reason, string? Field);

/// <summary>
/// Builds invalid messages of the kinds real devices and proxies produce, each derived from a
/// valid beacon so that it looks like real traffic. Every payload has exactly one defect, so the
/// decoder's verdict is known in advance.
/// </summary>
internal sealed class MalformedBeacons : IDisposable
{
    private static readonly string[] RequiredFields =
    [
        "v", "event_id", "session_id", "type", "ts", "device", "device.type", "device.os", "device.app_version",
        "geo", "geo.region", "geo.country", "geo.isp", "cdn", "pop", "title_id",
    ];

    private static readonly string[] StringFields =
    [
        "event_id", "session_id", "type", "device.type", "device.os", "device.app_version",
        "geo.region", "geo.country", "geo.isp", "cdn", "pop", "title_id",
    ];

    private static readonly string[] UnknownTypes = ["ad_impression", "Heartbeat", "playing", "stop", "buffering"];

    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _writer;
    private readonly EventEncoder _encoder = new();
    private readonly bool _includeOversize;

    public MalformedBeacons(bool includeOversize = true)
    {
        _includeOversize = includeOversize;
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    private enum Defect
    {
        Truncated,
        Garbage,
        Empty,
        NotAnObject,
        WrongType,
        OutOfRange,
        Missing,
        Duplicate,
        UnknownType,
        UnsupportedVersion,
        TooLarge,
    }

    private enum Edit
    {
        None,
        Omit,
        WrongType,
        OutOfRange,
        Duplicate,
    }

    /// <summary>Makes one invalid message from <paramref name="source"/>, with a fresh event id so it never collides with a valid beacon.</summary>
    public MalformedPayload Create(PlaybackBeacon source, ref SimRandom rng)
    {
        var beacon = source with { EventId = "bad-" + PlayerSession.Hex16(rng.NextUInt64()) };
        var roll = rng.NextInt(_includeOversize ? 201 : 200);
        var defect = roll switch
        {
            < 30 => Defect.Truncated,
            < 40 => Defect.Garbage,
            < 50 => Defect.Empty,
            < 60 => Defect.NotAnObject,
            < 85 => Defect.WrongType,
            < 100 => Defect.OutOfRange,
            < 140 => Defect.Missing,
            < 160 => Defect.Duplicate,
            < 180 => Defect.UnknownType,
            < 200 => Defect.UnsupportedVersion,
            _ => Defect.TooLarge,
        };

        switch (defect)
        {
            case Defect.Truncated:
                {
                    var full = _encoder.Encode(beacon);
                    return new(full[..(1 + rng.NextInt(full.Length - 1))].ToArray(), InvalidEventReason.MalformedJson, null);
                }

            case Defect.Garbage:
                {
                    var bytes = new byte[1 + rng.NextInt(200)];
                    for (var i = 0; i < bytes.Length; i++)
                    {
                        bytes[i] = (byte)rng.NextInt(256);
                    }

                    // A UTF-8 continuation byte can start neither JSON nor text, so this is never valid.
                    bytes[0] = (byte)(0x80 | rng.NextInt(0x40));
                    return new(bytes, InvalidEventReason.MalformedJson, null);
                }

            case Defect.Empty:
                return new([], InvalidEventReason.Empty, null);
            case Defect.NotAnObject:
                {
                    var json = _encoder.Encode(beacon);
                    byte[] value = rng.NextInt(3) switch
                    {
                        0 => [(byte)'[', .. json, (byte)']'],
                        1 => "\"heartbeat\""u8.ToArray(),
                        _ => "1764201600000"u8.ToArray(),
                    };
                    return new(value, InvalidEventReason.NotAnObject, null);
                }

            case Defect.WrongType:
                {
                    var field = Pick(PresentFields(beacon), ref rng);
                    return new(Write(beacon, field, Edit.WrongType, ref rng), InvalidEventReason.InvalidField, field);
                }

            case Defect.OutOfRange:
                {
                    string[] candidates = ["v", "ts", .. StringFields, .. PresentOptionalNumbers(beacon)];
                    var field = Pick(candidates, ref rng);
                    return new(Write(beacon, field, Edit.OutOfRange, ref rng), InvalidEventReason.InvalidField, field);
                }

            case Defect.Missing:
                {
                    string[] candidates = [.. RequiredFields, .. TypeSpecificFields(beacon.Type)];
                    var field = Pick(candidates, ref rng);
                    return new(Write(beacon, field, Edit.Omit, ref rng), InvalidEventReason.MissingField, field);
                }

            case Defect.Duplicate:
                {
                    var field = Pick(PresentFields(beacon), ref rng);
                    return new(Write(beacon, field, Edit.Duplicate, ref rng), InvalidEventReason.DuplicateField, field);
                }

            case Defect.UnknownType:
                return new(Write(beacon, "type", Edit.None, ref rng, typeOverride: UnknownTypes[rng.NextInt(UnknownTypes.Length)]), InvalidEventReason.UnknownEventType, "type");
            case Defect.UnsupportedVersion:
                return new(Write(beacon, "v", Edit.None, ref rng, versionOverride: rng.Chance(0.8) ? 2 : 0), InvalidEventReason.UnsupportedSchemaVersion, "v");
            default:
                return new(Write(beacon, string.Empty, Edit.None, ref rng, padding: EventDecoder.MaxEventBytes + 1 + rng.NextInt(512)), InvalidEventReason.TooLarge, null);
        }
    }

    public void Dispose()
    {
        _writer.Dispose();
        _encoder.Dispose();
    }

    private static string Pick(IReadOnlyList<string> fields, ref SimRandom rng) => fields[rng.NextInt(fields.Count)];

    private static IEnumerable<string> TypeSpecificFields(EventType type) => type switch
    {
        EventType.FirstFrame or EventType.BitrateChange => ["bitrate_kbps"],
        EventType.Heartbeat => ["playhead_ms", "bitrate_kbps", "bytes", "cache_hit"],
        EventType.Seek => ["playhead_ms"],
        EventType.Error => ["error_code", "fatal"],
        _ => [],
    };

    private static IEnumerable<string> PresentOptionalNumbers(PlaybackBeacon b)
    {
        if (b.PlayheadMs is not null)
        {
            yield return "playhead_ms";
        }

        if (b.BitrateKbps is not null)
        {
            yield return "bitrate_kbps";
        }

        if (b.Bytes is not null)
        {
            yield return "bytes";
        }

        if (b.Geo.Asn is not null)
        {
            yield return "geo.asn";
        }
    }

    private static string[] PresentFields(PlaybackBeacon b)
    {
        var fields = new List<string>(RequiredFields);
        if (b.Device.Model is not null)
        {
            fields.Add("device.model");
        }

        fields.AddRange(PresentOptionalNumbers(b));
        if (b.CacheHit is not null)
        {
            fields.Add("cache_hit");
        }

        if (b.ErrorCode is not null)
        {
            fields.Add("error_code");
        }

        if (b.Fatal is not null)
        {
            fields.Add("fatal");
        }

        return fields.ToArray();
    }

    private byte[] Write(PlaybackBeacon b, string target, Edit edit, ref SimRandom rng, string? typeOverride = null, int? versionOverride = null, int padding = 0)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        var w = _writer;
        var r = rng.NextUInt64();
        w.WriteStartObject();
        Number("v", versionOverride ?? PlaybackBeacon.SchemaVersion);
        String("event_id", b.EventId);
        String("session_id", b.SessionId);
        String("type", typeOverride ?? b.Type.ToWire());
        Number("ts", b.TimestampMs);
        Object("device", () =>
        {
            String("device.type", b.Device.Type);
            String("device.os", b.Device.Os);
            if (b.Device.Model is not null)
            {
                String("device.model", b.Device.Model);
            }

            String("device.app_version", b.Device.AppVersion);
        });
        Object("geo", () =>
        {
            String("geo.region", b.Geo.Region);
            String("geo.country", b.Geo.Country);
            String("geo.isp", b.Geo.Isp);
            if (b.Geo.Asn is { } asn)
            {
                Number("geo.asn", asn);
            }
        });
        String("cdn", b.Cdn);
        String("pop", b.Pop);
        String("title_id", b.TitleId);
        Optional("playhead_ms", b.PlayheadMs);
        Optional("bitrate_kbps", b.BitrateKbps);
        Optional("bytes", b.Bytes);
        if (b.CacheHit is { } hit)
        {
            Bool("cache_hit", hit);
        }

        if (b.ErrorCode is not null)
        {
            String("error_code", b.ErrorCode);
        }

        if (b.Fatal is { } fatal)
        {
            Bool("fatal", fatal);
        }

        if (padding > 0)
        {
            // An unknown field: valid JSON, only the size is wrong.
            w.WriteString("padding"u8, new string('x', padding));
        }

        w.WriteEndObject();
        w.Flush();
        return _buffer.WrittenSpan.ToArray();

        string Name(string path) => path.Contains('.', StringComparison.Ordinal) ? path[(path.IndexOf('.', StringComparison.Ordinal) + 1)..] : path;

        int Times(string path) => path == target && edit == Edit.Duplicate ? 2 : path == target && edit == Edit.Omit ? 0 : 1;

        void String(string path, string value)
        {
            for (var i = Times(path); i > 0; i--)
            {
                if (path != target)
                {
                    w.WriteString(Name(path), value);
                }
                else if (edit == Edit.WrongType)
                {
                    w.WriteNumber(Name(path), (long)(r % 1000));
                }
                else if (edit == Edit.OutOfRange)
                {
                    // Empty, or one byte over the limit.
                    w.WriteString(Name(path), (r & 1) == 0 ? string.Empty : new string('a', EventDecoder.MaxValueBytes + 1));
                }
                else
                {
                    w.WriteString(Name(path), value);
                }
            }
        }

        void Number(string path, long value)
        {
            for (var i = Times(path); i > 0; i--)
            {
                if (path != target)
                {
                    w.WriteNumber(Name(path), value);
                }
                else if (edit == Edit.WrongType)
                {
                    // A quoted number, or a fraction.
                    if ((r & 1) == 0)
                    {
                        w.WriteString(Name(path), value.ToString(System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        w.WriteNumber(Name(path), value + 0.5);
                    }
                }
                else if (edit == Edit.OutOfRange)
                {
                    w.WriteNumber(Name(path), OutOfRange(path));
                }
                else
                {
                    w.WriteNumber(Name(path), value);
                }
            }
        }

        void Optional(string path, long? value)
        {
            if (value is { } v)
            {
                Number(path, v);
            }
        }

        void Bool(string path, bool value)
        {
            for (var i = Times(path); i > 0; i--)
            {
                if (path == target && edit == Edit.WrongType)
                {
                    w.WriteString(Name(path), value ? "true" : "false");
                }
                else
                {
                    w.WriteBoolean(Name(path), value);
                }
            }
        }

        void Object(string path, Action body)
        {
            for (var i = Times(path); i > 0; i--)
            {
                if (path == target && edit == Edit.WrongType)
                {
                    w.WriteString(Name(path), "unknown");
                }
                else
                {
                    w.WriteStartObject(Name(path));
                    body();
                    w.WriteEndObject();
                }
            }
        }

        long OutOfRange(string path) => path switch
        {
            "v" => -1,
            "ts" => (r & 1) == 0 ? 0 : EventDecoder.MaxTimestampMs,
            "bitrate_kbps" => (r & 1) == 0 ? 0 : EventDecoder.MaxBitrateKbps + 1,
            "geo.asn" => (long)uint.MaxValue + 1,
            _ => -1,
        };
    }
}
