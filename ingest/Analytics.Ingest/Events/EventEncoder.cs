using System.Buffers;
using System.Text.Json;

namespace Analytics.Ingest.Events;

/// <summary>Writes beacons in the v1 wire format (docs/events.md). Not thread-safe.</summary>
internal sealed class EventEncoder : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(512);
    private readonly Utf8JsonWriter _writer;

    public EventEncoder()
    {
        _writer = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    /// <summary>Encodes into an internal buffer that is valid until the next call.</summary>
    public ReadOnlySpan<byte> Encode(PlaybackBeacon beacon)
    {
        _buffer.ResetWrittenCount();
        _writer.Reset(_buffer);
        Write(_writer, beacon);
        _writer.Flush();
        return _buffer.WrittenSpan;
    }

    public byte[] EncodeToArray(PlaybackBeacon beacon) => Encode(beacon).ToArray();

    public void Dispose() => _writer.Dispose();

    private static void Write(Utf8JsonWriter w, PlaybackBeacon b)
    {
        w.WriteStartObject();
        w.WriteNumber("v"u8, PlaybackBeacon.SchemaVersion);
        w.WriteString("event_id"u8, b.EventId);
        w.WriteString("session_id"u8, b.SessionId);
        w.WriteString("type"u8, b.Type.ToWire());
        w.WriteNumber("ts"u8, b.TimestampMs);

        w.WriteStartObject("device"u8);
        w.WriteString("type"u8, b.Device.Type);
        w.WriteString("os"u8, b.Device.Os);
        if (b.Device.Model is not null)
        {
            w.WriteString("model"u8, b.Device.Model);
        }

        w.WriteString("app_version"u8, b.Device.AppVersion);
        w.WriteEndObject();

        w.WriteStartObject("geo"u8);
        w.WriteString("region"u8, b.Geo.Region);
        w.WriteString("country"u8, b.Geo.Country);
        w.WriteString("isp"u8, b.Geo.Isp);
        if (b.Geo.Asn is { } asn)
        {
            w.WriteNumber("asn"u8, asn);
        }

        w.WriteEndObject();

        w.WriteString("cdn"u8, b.Cdn);
        w.WriteString("pop"u8, b.Pop);
        w.WriteString("title_id"u8, b.TitleId);
        if (b.PlayheadMs is { } playhead)
        {
            w.WriteNumber("playhead_ms"u8, playhead);
        }

        if (b.BitrateKbps is { } kbps)
        {
            w.WriteNumber("bitrate_kbps"u8, kbps);
        }

        if (b.Bytes is { } bytes)
        {
            w.WriteNumber("bytes"u8, bytes);
        }

        if (b.CacheHit is { } hit)
        {
            w.WriteBoolean("cache_hit"u8, hit);
        }

        if (b.ErrorCode is not null)
        {
            w.WriteString("error_code"u8, b.ErrorCode);
        }

        if (b.Fatal is { } fatal)
        {
            w.WriteBoolean("fatal"u8, fatal);
        }

        w.WriteEndObject();
    }
}
