using System.IO.Compression;
using System.Text;
using Analytics.Ingest.Events;
using Analytics.Processors.Aggregates;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sessions;
using Analytics.Processors.Windows;

namespace Analytics.Processors.Checkpoints;

/// <summary>A checkpoint could not be read or does not fit this processor's settings.</summary>
internal sealed class CheckpointException : ProcessorException
{
    public CheckpointException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }

    public override bool IsTransient => false;
}

/// <summary>
/// Serializes a partition's whole state: open sessions (base, head and pending beacons), open windows
/// with their accumulators and emission flags, the watermark, and the memory of ended sessions.
/// Restoring it and replaying the messages after <see cref="PartitionProcessor.NextOffset"/> gives
/// exactly the rows an uninterrupted run would have written.
/// </summary>
internal static class PartitionCheckpoint
{
    // 3: one concurrency mark per session core (the pane) in place of one per window size.
    private const int FormatVersion = 3;
    private static readonly byte[] Magic = "QOECKPT"u8.ToArray();

    public static byte[] Capture(PartitionProcessor p, ProcessorOptions options)
    {
        using var stream = new MemoryStream();
        using (var zip = new ZLibStream(stream, CompressionLevel.Fastest, leaveOpen: true))
        using (var w = new BinaryWriter(zip, Encoding.UTF8, leaveOpen: true))
        {
            w.Write(Magic);
            w.Write(FormatVersion);
            w.Write(Fingerprint(options));
            w.Write(p.NextOffset - 1);
            w.Write(p.MaxEventTime);
            w.Write(p.Watermark);
            w.Write(p.Swept);
            w.Write(p.SweepsSinceLastMessage);

            var strings = new StringTable();
            var sessions = p.Sessions.ToList();
            w.Write(sessions.Count);
            foreach (var s in sessions)
            {
                w.Write(s.Id);
                w.Write(s.Duplicates);
                WriteDimensions(w, strings, s.Dims.Values);
                WriteCore(w, strings, s.Base);
                WriteCore(w, strings, s.Head);
                w.Write(s.PendingCount);
                foreach (ref readonly var e in s.Pending)
                {
                    WriteEvent(w, strings, e);
                }
            }

            var sizes = p.Sizes;
            for (var size = 0; size < sizes.Count; size++)
            {
                w.Write(p.Windows.PurgedThrough(size));
                var windows = p.Windows.WindowsOfSize(size).ToList();
                w.Write(windows.Count);
                foreach (var win in windows)
                {
                    w.Write(win.Start);
                    w.Write(win.Fired);
                    for (var cube = 0; cube < win.Cells.Length; cube++)
                    {
                        w.Write(win.Cells[cube].Count);
                        foreach (var (key, cell) in win.Cells[cube])
                        {
                            foreach (var v in key.Values)
                            {
                                strings.Write(w, v);
                            }

                            w.Write(cell.Emitted);
                            w.Write(cell.Dirty);
                            WriteAccumulator(w, strings, cell);
                        }
                    }
                }
            }

            var ended = p.EndedSessions.ToList();
            w.Write(ended.Count);
            foreach (var (endTs, hash) in ended)
            {
                w.Write(endTs);
                w.Write(hash);
            }
        }

        return stream.ToArray();
    }

    /// <summary>Restores a checkpoint into a new processor for the same partition.</summary>
    public static PartitionProcessor Restore(byte[] data, PartitionId id, ProcessorOptions options, IPartitionOutput output)
    {
        try
        {
            return RestoreCore(data, id, options, output);
        }
        catch (Exception ex) when (ex is EndOfStreamException or InvalidDataException or IOException or FormatException)
        {
            throw new CheckpointException($"The checkpoint of {id} is corrupt ({ex.Message}). Delete its rows from processor_checkpoints to start the partition from its committed offset.", ex);
        }
    }

    private static PartitionProcessor RestoreCore(byte[] data, PartitionId id, ProcessorOptions options, IPartitionOutput output)
    {
        using var zip = new ZLibStream(new MemoryStream(data), CompressionMode.Decompress);
        using var r = new BinaryReader(zip, Encoding.UTF8);
        if (!r.ReadBytes(Magic.Length).AsSpan().SequenceEqual(Magic))
        {
            throw new CheckpointException($"The checkpoint of {id} is not a processor checkpoint.");
        }

        var version = r.ReadInt32();
        if (version != FormatVersion)
        {
            throw new CheckpointException($"The checkpoint of {id} has format {version}; this processor reads format {FormatVersion}.");
        }

        var fingerprint = r.ReadString();
        if (fingerprint != Fingerprint(options))
        {
            throw new CheckpointException(
                $"The checkpoint of {id} was taken with other processor settings ({fingerprint}) than now ({Fingerprint(options)}). "
                + "Windows, cubes and event-time settings cannot change under open state: restore the settings, or start a new consumer group.");
        }

        var p = new PartitionProcessor(id, options, output);
        var lastOffset = r.ReadInt64();
        var maxTs = r.ReadInt64();
        var watermark = r.ReadInt64();
        var swept = r.ReadInt64();
        var sweepSeq = r.ReadInt64();

        var strings = new StringTable();
        var sessionCount = r.ReadInt32();
        var sessions = new List<Session>(sessionCount);
        for (var i = 0; i < sessionCount; i++)
        {
            var sessionId = r.ReadString();
            var duplicates = r.ReadInt32();
            var dims = p.Catalog.Intern(ReadDimensions(r, strings));
            var session = new Session(sessionId, dims)
            {
                Duplicates = duplicates,
                Base = ReadCore(r, strings),
                Head = ReadCore(r, strings),
            };
            var pending = new SessionEvent[r.ReadInt32()];
            for (var j = 0; j < pending.Length; j++)
            {
                pending[j] = ReadEvent(r, strings);
            }

            session.RestorePending(pending);
            sessions.Add(session);
        }

        var cubes = p.Cubes;
        for (var size = 0; size < p.Sizes.Count; size++)
        {
            p.Windows.RestorePurgedThrough(size, r.ReadInt64());
            var windowCount = r.ReadInt32();
            for (var i = 0; i < windowCount; i++)
            {
                var start = r.ReadInt64();
                var window = p.Windows.Restore(size, start, r.ReadBoolean());
                for (var cube = 0; cube < cubes.Count; cube++)
                {
                    var cellCount = r.ReadInt32();
                    for (var c = 0; c < cellCount; c++)
                    {
                        var values = new string[cubes[cube].Dimensions.Length];
                        for (var v = 0; v < values.Length; v++)
                        {
                            values[v] = strings.Read(r);
                        }

                        var key = p.Catalog.InternKey(cube, values);
                        var cell = new WindowCell(window)
                        {
                            Emitted = r.ReadBoolean(),
                            Dirty = r.ReadBoolean(),
                        };
                        ReadAccumulator(r, strings, cell);
                        window.Cells[cube].Add(key, cell);
                        if (cell.Dirty)
                        {
                            window.Dirty.Add((cube, key, cell));
                        }
                    }
                }
            }
        }

        var endedCount = r.ReadInt32();
        var ended = new List<(long, ulong)>(endedCount);
        for (var i = 0; i < endedCount; i++)
        {
            ended.Add((r.ReadInt64(), r.ReadUInt64()));
        }

        p.Restore(lastOffset, maxTs, watermark, swept, sweepSeq, sessions, ended);
        return p;
    }

    /// <summary>The settings the state's shape depends on.</summary>
    private static string Fingerprint(ProcessorOptions o) => string.Join(
        ';',
        "windows=" + string.Join(',', o.Windows.Select(w => (long)w.TotalMilliseconds)),
        "cubes=" + string.Join(',', o.Cubes),
        $"timeout={(long)o.SessionTimeout.TotalMilliseconds}",
        $"lateness={(long)o.AllowedLateness.TotalMilliseconds}",
        $"ooo={(long)o.OutOfOrderness.TotalMilliseconds}");

    private static void WriteDimensions(BinaryWriter w, StringTable strings, in EventDimensions d)
    {
        strings.Write(w, d.DeviceType);
        strings.Write(w, d.Os);
        strings.Write(w, d.Model);
        strings.Write(w, d.AppVersion);
        strings.Write(w, d.Region);
        strings.Write(w, d.Country);
        strings.Write(w, d.Isp);
        w.Write(d.Asn);
        strings.Write(w, d.Cdn);
        strings.Write(w, d.Pop);
        strings.Write(w, d.TitleId);
    }

    private static EventDimensions ReadDimensions(BinaryReader r, StringTable strings) => new(
        DeviceType: strings.Read(r),
        Os: strings.Read(r),
        Model: strings.Read(r),
        AppVersion: strings.Read(r),
        Region: strings.Read(r),
        Country: strings.Read(r),
        Isp: strings.Read(r),
        Asn: r.ReadInt64(),
        Cdn: strings.Read(r),
        Pop: strings.Read(r),
        TitleId: strings.Read(r));

    private static void WriteCore(BinaryWriter w, StringTable strings, in SessionCore c)
    {
        w.Write(c.FirstTs);
        w.Write(c.LastTs);
        w.Write(c.AttributedTo);
        w.Write(c.PlayRequestTs);
        w.Write(c.FirstFrameTs);
        w.Write(c.EndTs);
        w.Write(c.BitrateKbpsMs);
        w.Write(c.Bytes);
        w.Write(c.CacheHitBytes);
        strings.Write(w, c.FatalErrorCode);
        w.Write(c.LastActivePane);

        w.Write(c.PlayingMs);
        w.Write(c.RebufferMs);
        w.Write(c.SeekRebufferMs);
        w.Write(c.PausedMs);
        w.Write(c.BitrateKbps);
        w.Write(c.Beacons);
        w.Write(c.Rebuffers);
        w.Write(c.SeekRebuffers);
        w.Write(c.BitrateSwitches);
        w.Write(c.Errors);
        w.Write((byte)c.State);
        w.Write((byte)c.EndReason);
        w.Write(c.HasPlayRequest);
        w.Write(c.Started);
        w.Write(c.SeekPending);
        w.Write(c.RebufferIsSeek);
    }

    private static SessionCore ReadCore(BinaryReader r, StringTable strings)
    {
        var c = new SessionCore
        {
            FirstTs = r.ReadInt64(),
            LastTs = r.ReadInt64(),
            AttributedTo = r.ReadInt64(),
            PlayRequestTs = r.ReadInt64(),
            FirstFrameTs = r.ReadInt64(),
            EndTs = r.ReadInt64(),
            BitrateKbpsMs = r.ReadInt64(),
            Bytes = r.ReadInt64(),
            CacheHitBytes = r.ReadInt64(),
            FatalErrorCodeId = ErrorCodes.Intern(strings.ReadNullable(r)),
        };
        c.LastActivePane = r.ReadInt32();

        c.PlayingMs = r.ReadInt32();
        c.RebufferMs = r.ReadInt32();
        c.SeekRebufferMs = r.ReadInt32();
        c.PausedMs = r.ReadInt32();
        c.BitrateKbps = r.ReadInt32();
        c.Beacons = r.ReadInt32();
        c.Rebuffers = r.ReadInt16();
        c.SeekRebuffers = r.ReadInt16();
        c.BitrateSwitches = r.ReadInt16();
        c.Errors = r.ReadInt16();
        c.State = (PlayerState)r.ReadByte();
        c.EndReason = (SessionEndReason)r.ReadByte();
        c.HasPlayRequest = r.ReadBoolean();
        c.Started = r.ReadBoolean();
        c.SeekPending = r.ReadBoolean();
        c.RebufferIsSeek = r.ReadBoolean();
        return c;
    }

    private static void WriteEvent(BinaryWriter w, StringTable strings, in SessionEvent e)
    {
        w.Write(e.Ts);
        w.Write(e.EventIdHash);
        w.Write(e.Bytes);
        strings.Write(w, e.ErrorCode);
        w.Write(e.BitrateKbps);
        w.Write((byte)e.Type);
        w.Write(e.CacheHit);
        w.Write(e.Fatal);
    }

    private static SessionEvent ReadEvent(BinaryReader r, StringTable strings)
    {
        var ts = r.ReadInt64();
        var hash = r.ReadUInt64();
        var bytes = r.ReadInt64();
        var code = strings.ReadNullable(r);
        var kbps = r.ReadInt32();
        var type = (EventType)r.ReadByte();
        return new SessionEvent(ts, hash, type, bytes, kbps, r.ReadSByte(), r.ReadBoolean(), code);
    }

    private static void WriteAccumulator(BinaryWriter w, StringTable strings, QoeAccumulator a)
    {
        w.Write(a.Attempts);
        w.Write(a.Plays);
        w.Write(a.VideoStartFailures);
        w.Write(a.ExitsBeforeVideoStart);
        w.Write(a.PlaybackFailures);
        w.Write(a.StartTimeSumMs);
        w.Write(a.PlayingMs);
        w.Write(a.RebufferMs);
        w.Write(a.SeekRebufferMs);
        w.Write(a.Rebuffers);
        w.Write(a.SeekRebuffers);
        w.Write(a.Bitrate.Numerator);
        w.Write(a.Bitrate.Denominator);
        w.Write(a.BitrateSwitches);
        w.Write(a.ConcurrentPlays);
        w.Write(a.Bytes);
        w.Write(a.CacheHitBytes);
        w.Write(a.Errors);
        w.Write(a.FatalErrors);
        w.Write(a.StartTime.BucketCount);
        for (var i = 0; i < a.StartTime.BucketCount; i++)
        {
            w.Write(a.StartTime.Keys[i]);
            w.Write(a.StartTime.Counts[i]);
        }

        w.Write(a.ErrorsByCode?.Count ?? 0);
        if (a.ErrorsByCode is not null)
        {
            foreach (var (code, count) in a.ErrorsByCode)
            {
                strings.Write(w, code);
                w.Write(count);
            }
        }
    }

    private static void ReadAccumulator(BinaryReader r, StringTable strings, QoeAccumulator a)
    {
        a.Attempts = r.ReadInt64();
        a.Plays = r.ReadInt64();
        a.VideoStartFailures = r.ReadInt64();
        a.ExitsBeforeVideoStart = r.ReadInt64();
        a.PlaybackFailures = r.ReadInt64();
        a.StartTimeSumMs = r.ReadInt64();
        a.PlayingMs = r.ReadInt64();
        a.RebufferMs = r.ReadInt64();
        a.SeekRebufferMs = r.ReadInt64();
        a.Rebuffers = r.ReadInt64();
        a.SeekRebuffers = r.ReadInt64();
        a.Bitrate = new RatioState(r.ReadInt64(), r.ReadInt64());
        a.BitrateSwitches = r.ReadInt64();
        a.ConcurrentPlays = r.ReadInt64();
        a.Bytes = r.ReadInt64();
        a.CacheHitBytes = r.ReadInt64();
        a.Errors = r.ReadInt64();
        a.FatalErrors = r.ReadInt64();
        var buckets = r.ReadInt32();
        for (var i = 0; i < buckets; i++)
        {
            a.StartTimeForUpdate().AddToBucket(r.ReadInt16(), r.ReadInt64());
        }

        var codes = r.ReadInt32();
        if (codes > 0)
        {
            a.ErrorsByCode = CountByKeyAggregate.Init();
            for (var i = 0; i < codes; i++)
            {
                a.ErrorsByCode[strings.Read(r)] = r.ReadInt64();
            }
        }
    }

    /// <summary>Writes each distinct string once and refers to it by index afterwards; dimension values repeat a lot.</summary>
    private sealed class StringTable
    {
        private readonly Dictionary<string, int> _ids = new(StringComparer.Ordinal);
        private readonly List<string> _values = [];

        public void Write(BinaryWriter w, string? value)
        {
            if (value is null)
            {
                w.Write7BitEncodedInt(0);
                return;
            }

            if (_ids.TryGetValue(value, out var id))
            {
                w.Write7BitEncodedInt(id + 2);
                return;
            }

            _ids.Add(value, _ids.Count);
            w.Write7BitEncodedInt(1);
            w.Write(value);
        }

        public string Read(BinaryReader r) => ReadNullable(r) ?? throw new InvalidDataException("a required string is missing");

        public string? ReadNullable(BinaryReader r)
        {
            var tag = r.Read7BitEncodedInt();
            switch (tag)
            {
                case 0:
                    return null;
                case 1:
                    var value = r.ReadString();
                    _values.Add(value);
                    return value;
                default:
                    return tag - 2 < _values.Count ? _values[tag - 2] : throw new InvalidDataException($"string reference {tag - 2} is undefined");
            }
        }
    }
}
