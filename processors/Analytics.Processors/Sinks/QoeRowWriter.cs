using System.Buffers;
using System.Text.Json;
using Analytics.Ingest.Events;
using Analytics.Processors.Aggregates;
using Analytics.Processors.Dimensions;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sessions;

namespace Analytics.Processors.Sinks;

/// <summary>
/// Writes rows as JSONEachRow for one table into a growing buffer. Column names match
/// Sinks/Migrations/*.sql; a test inserts every kind of row into chDB to keep them in step.
/// </summary>
internal sealed class QoeRowWriter : IDisposable
{
    private readonly ArrayBufferWriter<byte> _buffer = new(64 * 1024);
    private readonly Utf8JsonWriter _json;

    public QoeRowWriter(string table)
    {
        Table = table;
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true });
    }

    public string Table { get; }

    public int Rows { get; private set; }

    public int Bytes => _buffer.WrittenCount + (int)_json.BytesPending;

    public void WindowRow(PartitionId partition, long version, long windowStart, Cube cube, CubeKey key, QoeAccumulator acc)
    {
        var w = _json;
        w.WriteStartObject();
        w.WriteNumber("window_start"u8, windowStart / 1000);
        for (var i = 0; i < cube.Dimensions.Length; i++)
        {
            w.WriteString(cube.Dimensions[i].ColumnName(), key.Values[i]);
        }

        w.WriteString("source"u8, partition.Source);
        w.WriteNumber("source_partition"u8, partition.Partition);
        w.WriteNumber("attempts"u8, acc.Attempts);
        w.WriteNumber("plays"u8, acc.Plays);
        w.WriteNumber("video_start_failures"u8, acc.VideoStartFailures);
        w.WriteNumber("exits_before_video_start"u8, acc.ExitsBeforeVideoStart);
        w.WriteNumber("playback_failures"u8, acc.PlaybackFailures);
        w.WriteStartObject("start_time_sketch"u8);
        var keys = acc.StartTime.Keys;
        var counts = acc.StartTime.Counts;
        Span<byte> digits = stackalloc byte[8];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i].TryFormat(digits, out var n, provider: System.Globalization.CultureInfo.InvariantCulture);
            w.WriteNumber(digits[..n], counts[i]);
        }

        w.WriteEndObject();
        w.WriteNumber("start_time_sum_ms"u8, acc.StartTimeSumMs);
        w.WriteNumber("playing_ms"u8, acc.PlayingMs);
        w.WriteNumber("rebuffer_ms"u8, acc.RebufferMs);
        w.WriteNumber("seek_rebuffer_ms"u8, acc.SeekRebufferMs);
        w.WriteNumber("rebuffers"u8, acc.Rebuffers);
        w.WriteNumber("seek_rebuffers"u8, acc.SeekRebuffers);
        w.WriteNumber("bitrate_kbps_ms"u8, acc.Bitrate.Numerator);
        w.WriteNumber("bitrate_switches"u8, acc.BitrateSwitches);
        w.WriteNumber("concurrent_plays"u8, acc.ConcurrentPlays);
        w.WriteNumber("bytes"u8, acc.Bytes);
        w.WriteNumber("cache_hit_bytes"u8, acc.CacheHitBytes);
        w.WriteNumber("errors"u8, acc.Errors);
        w.WriteNumber("fatal_errors"u8, acc.FatalErrors);
        w.WriteStartObject("errors_by_code"u8);
        if (acc.ErrorsByCode is not null)
        {
            foreach (var (code, count) in acc.ErrorsByCode)
            {
                w.WriteNumber(code, count);
            }
        }

        w.WriteEndObject();
        w.WriteNumber("version"u8, version);
        w.WriteNumber("is_deleted"u8, acc.IsZero ? 1 : 0);
        EndRow();
    }

    public void SessionRow(PartitionId partition, long version, Session session)
    {
        ref readonly var c = ref session.Head;
        var d = session.Dims.Values;
        var w = _json;
        w.WriteStartObject();
        w.WriteString("session_id"u8, session.Id);
        w.WriteString("source"u8, partition.Source);
        w.WriteNumber("source_partition"u8, partition.Partition);
        WriteTime(w, "start_time"u8, c.FirstTs);
        WriteTime(w, "end_time"u8, c.EndTs);
        w.WriteString("end_reason"u8, c.EndReason switch
        {
            SessionEndReason.EndEvent => "end",
            SessionEndReason.FatalError => "fatal_error",
            _ => "timeout",
        });
        w.WriteString("region"u8, d.Region);
        w.WriteString("country"u8, d.Country);
        w.WriteString("cdn"u8, d.Cdn);
        w.WriteString("pop"u8, d.Pop);
        w.WriteString("isp"u8, d.Isp);
        w.WriteNumber("asn"u8, Math.Max(0, d.Asn));
        w.WriteString("device_type"u8, d.DeviceType);
        w.WriteString("os"u8, d.Os);
        w.WriteString("device_model"u8, d.Model);
        w.WriteString("app_version"u8, d.AppVersion);
        w.WriteString("title_id"u8, d.TitleId);
        var fatal = c.EndReason == SessionEndReason.FatalError;
        var unstarted = c.HasPlayRequest && !c.Started;
        w.WriteNumber("attempted"u8, c.HasPlayRequest ? 1 : 0);
        w.WriteNumber("played"u8, c.HasPlayRequest && c.Started ? 1 : 0);
        w.WriteNumber("video_start_failure"u8, unstarted && fatal ? 1 : 0);
        w.WriteNumber("exit_before_video_start"u8, unstarted && !fatal ? 1 : 0);
        w.WriteNumber("playback_failure"u8, c.Started && fatal ? 1 : 0);
        if (c.StartTimeMs >= 0)
        {
            w.WriteNumber("start_time_ms"u8, c.StartTimeMs);
        }
        else
        {
            w.WriteNull("start_time_ms"u8);
        }

        w.WriteNumber("playing_ms"u8, c.PlayingMs);
        w.WriteNumber("rebuffer_ms"u8, c.RebufferMs);
        w.WriteNumber("seek_rebuffer_ms"u8, c.SeekRebufferMs);
        w.WriteNumber("paused_ms"u8, c.PausedMs);
        w.WriteNumber("rebuffers"u8, c.Rebuffers);
        w.WriteNumber("seek_rebuffers"u8, c.SeekRebuffers);
        w.WriteNumber("bitrate_kbps_ms"u8, c.BitrateKbpsMs);
        w.WriteNumber("bitrate_switches"u8, c.BitrateSwitches);
        w.WriteNumber("bytes"u8, c.Bytes);
        w.WriteNumber("cache_hit_bytes"u8, c.CacheHitBytes);
        w.WriteNumber("errors"u8, c.Errors);
        w.WriteString("fatal_error_code"u8, c.FatalErrorCode ?? string.Empty);
        w.WriteNumber("beacons"u8, c.Beacons);
        w.WriteNumber("duplicates"u8, session.Duplicates);
        w.WriteNumber("version"u8, version);
        EndRow();
    }

    public void LateRow(PartitionId partition, in LateBeacon beacon)
    {
        var w = _json;
        w.WriteStartObject();
        w.WriteString("source"u8, partition.Source);
        w.WriteNumber("source_partition"u8, partition.Partition);
        w.WriteNumber("source_offset"u8, beacon.Offset);
        w.WriteString("event_id"u8, beacon.EventId);
        w.WriteString("session_id"u8, beacon.SessionId);
        w.WriteString("event_type"u8, beacon.Type.ToWire());
        WriteTime(w, "event_time"u8, beacon.EventTs);
        WriteTime(w, "watermark"u8, beacon.Watermark);
        w.WriteNumber("lateness_ms"u8, beacon.LatenessMs);
        w.WriteString("payload"u8, System.Text.Encoding.UTF8.GetString(beacon.Payload));
        EndRow();
    }

    public void OrphanRow(PartitionId partition, string sessionId, in SessionEvent beacon, long sessionEndTs)
    {
        var w = _json;
        w.WriteStartObject();
        w.WriteString("source"u8, partition.Source);
        w.WriteNumber("source_partition"u8, partition.Partition);
        w.WriteString("session_id"u8, sessionId);
        w.WriteString("event_type"u8, beacon.Type.ToWire());
        WriteTime(w, "event_time"u8, beacon.Ts);
        w.WriteNumber("event_id_hash"u8, beacon.EventIdHash);
        WriteTime(w, "session_end_time"u8, sessionEndTs);
        EndRow();
    }

    /// <summary>Takes the rows written so far and starts a new batch.</summary>
    public RowBatch Take()
    {
        _json.Flush();
        var batch = new RowBatch(Table, _buffer.WrittenMemory.ToArray(), Rows);
        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        Rows = 0;
        return batch;
    }

    public void Dispose() => _json.Dispose();

    /// <summary>DateTime64(3) columns take 'YYYY-MM-DD hh:mm:ss.fff' in UTC (a fractional number is refused).</summary>
    public static void WriteTime(Utf8JsonWriter w, ReadOnlySpan<byte> name, long ms)
    {
        Span<byte> text = stackalloc byte[23];
        DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcDateTime.TryFormat(text, out var n, "yyyy-MM-dd HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
        w.WriteString(name, text[..n]);
    }

    private void EndRow()
    {
        _json.WriteEndObject();
        _json.Flush();
        _buffer.Write("\n"u8);

        // Each row is its own JSON document: reset so the writer does not separate them with commas.
        _json.Reset(_buffer);
        Rows++;
    }
}

/// <summary>Rows for one table in JSONEachRow, ready to insert.</summary>
internal sealed record RowBatch(string Table, byte[] Data, int Rows);
