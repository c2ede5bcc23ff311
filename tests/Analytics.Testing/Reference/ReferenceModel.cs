using Analytics.Ingest.Events;

namespace Analytics.Testing.Reference;

/// <summary>A message as the processor received it: its partition, and the beacon if it was valid.</summary>
public sealed record ReferenceMessage(int Partition, object? Beacon)
{
    internal PlaybackBeacon? Valid => Beacon as PlaybackBeacon;
}

/// <summary>The reference's expected values for one row (a window, a cube and its dimension values).</summary>
public sealed class ExpectedRow
{
    public long Attempts { get; set; }

    public long Plays { get; set; }

    public long VideoStartFailures { get; set; }

    public long ExitsBeforeVideoStart { get; set; }

    public long PlaybackFailures { get; set; }

    public List<long> StartTimesMs { get; } = [];

    public long PlayingMs { get; set; }

    public long RebufferMs { get; set; }

    public long SeekRebufferMs { get; set; }

    public long Rebuffers { get; set; }

    public long SeekRebuffers { get; set; }

    public long BitrateKbpsMs { get; set; }

    public long BitrateSwitches { get; set; }

    public long ConcurrentPlays { get; set; }

    public long Bytes { get; set; }

    public long CacheHitBytes { get; set; }

    public long Errors { get; set; }

    public long FatalErrors { get; set; }

    public Dictionary<string, long> ErrorsByCode { get; } = new(StringComparer.Ordinal);

    /// <summary>The exact order statistic at rank ⌊q·(n−1)⌋, the quantity the sketch bounds.</summary>
    public double ExactStartTimeQuantile(double q)
    {
        if (StartTimesMs.Count == 0)
        {
            return double.NaN;
        }

        var sorted = StartTimesMs.Order().ToArray();
        return sorted[(int)Math.Floor(q * (sorted.Length - 1))];
    }
}

/// <summary>The key of an expected row: cube, window size, window start and the cube's dimension values joined by '/'.</summary>
public readonly record struct ExpectedKey(string Cube, long WindowMs, long WindowStart, string Dimensions);

/// <summary>One session as the reference sees it, for session-level checks.</summary>
public sealed record ExpectedSession(
    string SessionId,
    long StartTs,
    long EndTs,
    string EndReason,
    bool Attempted,
    bool Played,
    long StartTimeMs,
    bool VideoStartFailure,
    bool ExitBeforeVideoStart,
    bool PlaybackFailure,
    long PlayingMs,
    long RebufferMs,
    long SeekRebufferMs,
    long Rebuffers,
    long BitrateSwitches,
    long Bytes,
    long CacheHitBytes,
    long Errors,
    long Beacons);

public sealed class ReferenceResult
{
    public Dictionary<ExpectedKey, ExpectedRow> Rows { get; } = [];

    public Dictionary<string, ExpectedSession> Sessions { get; } = new(StringComparer.Ordinal);

    public long Invalid { get; set; }

    public long TooLate { get; set; }

    public long Duplicates { get; set; }

    public long AfterEnd { get; set; }

    public List<PlaybackBeaconRef> TooLateBeacons { get; } = [];
}

/// <summary>Identifies a beacon the reference classified.</summary>
public readonly record struct PlaybackBeaconRef(string SessionId, string EventId, long Ts);

/// <summary>A cube for the reference: its name, its dimension columns, and the window sizes it is computed at.</summary>
public sealed record ReferenceCube(string Name, string[] Dimensions, long[] WindowsMs);

public sealed record ReferenceOptions(
    long OutOfOrdernessMs,
    long AllowedLatenessMs,
    long SessionTimeoutMs,
    IReadOnlyList<ReferenceCube> Cubes);

/// <summary>
/// A plain batch computation of the QoE definitions in docs/metrics.md, over whole sessions held in
/// memory. It shares no code with the streaming processor: it first decides which beacons count
/// (too late, duplicate) by replaying the watermark rule in arrival order, then sorts each session's
/// beacons, builds the session's timeline of states, and cuts that timeline by window.
/// </summary>
public static class ReferenceModel
{
    private enum Phase
    {
        None,
        Starting,
        Playing,
        Paused,
        Rebuffering,
        Ended,
    }

    public static ReferenceResult Compute(IEnumerable<ReferenceMessage> arrivals, ReferenceOptions options)
    {
        var result = new ReferenceResult();
        var accepted = new Dictionary<string, List<PlaybackBeacon>>(StringComparer.Ordinal);
        var seenIds = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var maxTsByPartition = new Dictionary<int, long>();

        foreach (var message in arrivals)
        {
            var beacon = message.Valid;
            if (beacon is null)
            {
                result.Invalid++;
                continue;
            }

            var hasMax = maxTsByPartition.TryGetValue(message.Partition, out var maxTs);
            if (hasMax && beacon.TimestampMs < maxTs - options.OutOfOrdernessMs - options.AllowedLatenessMs)
            {
                result.TooLate++;
                result.TooLateBeacons.Add(new PlaybackBeaconRef(beacon.SessionId, beacon.EventId, beacon.TimestampMs));
                continue;
            }

            if (!seenIds.TryGetValue(beacon.SessionId, out var ids))
            {
                seenIds[beacon.SessionId] = ids = new HashSet<string>(StringComparer.Ordinal);
                accepted[beacon.SessionId] = [];
            }

            if (!ids.Add(beacon.EventId))
            {
                result.Duplicates++;
                continue;
            }

            accepted[beacon.SessionId].Add(beacon);
            maxTsByPartition[message.Partition] = hasMax ? Math.Max(maxTs, beacon.TimestampMs) : beacon.TimestampMs;
        }

        foreach (var (sessionId, beacons) in accepted)
        {
            var ordered = beacons
                .OrderBy(b => b.TimestampMs)
                .ThenBy(b => b.Type.SameMillisecondRank())
                .ThenBy(b => StableHash.Hash64(b.EventId))
                .ToList();
            SessionTimeline(sessionId, ordered, options, result);
        }

        return result;
    }

    private readonly record struct Segment(long From, long To, Phase Phase, int Kbps, bool SeekStall);

    private readonly record struct Mark(long T, string Kind, long Value = 0, string? Code = null, bool Flag = false);

    private static void SessionTimeline(string sessionId, List<PlaybackBeacon> beacons, ReferenceOptions o, ReferenceResult result)
    {
        var first = beacons[0];
        var phase = Phase.None;
        var segments = new List<Segment>();
        var marks = new List<Mark>();
        long prevTs = first.TimestampMs;
        long playRequestTs = -1;
        var started = false;
        var kbps = 0;
        var seekArmed = false;
        var stallIsSeek = false;
        var endReason = "timeout";
        var endTs = -1L;
        var applied = 0;

        foreach (var b in beacons)
        {
            if (phase == Phase.Ended)
            {
                result.AfterEnd++;
                continue;
            }

            if (phase != Phase.None)
            {
                if (b.TimestampMs - prevTs >= o.SessionTimeoutMs)
                {
                    // Silent for the timeout: the viewer left at the last beacon.
                    if (phase == Phase.Starting)
                    {
                        marks.Add(new Mark(prevTs, "ebvs"));
                    }

                    endTs = prevTs;
                    phase = Phase.Ended;
                    result.AfterEnd++;
                    continue;
                }

                if (b.TimestampMs > prevTs)
                {
                    segments.Add(new Segment(prevTs, b.TimestampMs, phase, kbps, stallIsSeek));
                }
            }

            prevTs = Math.Max(prevTs, b.TimestampMs);
            applied++;
            var t = b.TimestampMs;
            var wasFresh = phase == Phase.None;
            var fatal = b.Type == EventType.Error && b.Fatal == true;
            if (wasFresh && !fatal && b.Type is not (EventType.PlayRequest or EventType.FirstFrame or EventType.End))
            {
                started = true;
                phase = Phase.Playing;
                kbps = b.BitrateKbps ?? 0;
            }

            var keepSeek = false;
            switch (b.Type)
            {
                case EventType.PlayRequest when phase == Phase.None:
                    phase = Phase.Starting;
                    playRequestTs = t;
                    marks.Add(new Mark(t, "attempt"));
                    break;
                case EventType.FirstFrame when phase is Phase.None or Phase.Starting:
                    if (playRequestTs >= 0)
                    {
                        marks.Add(new Mark(t, "play", t - playRequestTs));
                    }

                    started = true;
                    phase = Phase.Playing;
                    kbps = b.BitrateKbps ?? 0;
                    break;
                case EventType.Heartbeat:
                    if (b.Bytes is > 0)
                    {
                        marks.Add(new Mark(t, "bytes", b.Bytes.Value, Flag: b.CacheHit == true));
                    }

                    if (b.BitrateKbps is > 0)
                    {
                        kbps = b.BitrateKbps.Value;
                    }

                    break;
                case EventType.RebufferStart when phase is Phase.Playing or Phase.Paused:
                    phase = Phase.Rebuffering;
                    stallIsSeek = seekArmed;
                    marks.Add(new Mark(t, "rebuffer", Flag: stallIsSeek));
                    break;
                case EventType.RebufferEnd when phase == Phase.Rebuffering:
                    phase = Phase.Playing;
                    stallIsSeek = false;
                    break;
                case EventType.BitrateChange:
                    if (started && b.BitrateKbps != kbps)
                    {
                        marks.Add(new Mark(t, "switch"));
                    }

                    kbps = b.BitrateKbps ?? kbps;
                    break;
                case EventType.Seek when started:
                    keepSeek = true;
                    break;
                case EventType.Pause when phase is Phase.Playing or Phase.Rebuffering:
                    phase = Phase.Paused;
                    stallIsSeek = false;
                    break;
                case EventType.Resume when phase == Phase.Paused:
                    phase = Phase.Playing;
                    break;
                case EventType.Error:
                    marks.Add(new Mark(t, "error", Code: b.ErrorCode ?? string.Empty, Flag: b.Fatal == true));
                    if (b.Fatal == true)
                    {
                        // Only a session that counted a play can fail playback (docs/metrics.md).
                        if (marks.Any(m => m.Kind == "play"))
                        {
                            marks.Add(new Mark(t, "vpf"));
                        }
                        else if (playRequestTs >= 0)
                        {
                            marks.Add(new Mark(t, "vsf"));
                        }

                        phase = Phase.Ended;
                        endReason = "fatal_error";
                        endTs = t;
                    }

                    break;
                case EventType.End:
                    if (!started && playRequestTs >= 0)
                    {
                        marks.Add(new Mark(t, "ebvs"));
                    }

                    phase = Phase.Ended;
                    endReason = "end";
                    endTs = t;
                    break;
            }

            seekArmed = keepSeek;
        }

        if (phase != Phase.Ended)
        {
            // The stream was finished: a session still open timed out at its last beacon.
            if (phase == Phase.Starting)
            {
                marks.Add(new Mark(prevTs, "ebvs"));
            }

            endTs = prevTs;
        }

        var dims = new Dictionary<string, string>
        {
            ["region"] = first.Geo.Region,
            ["country"] = first.Geo.Country,
            ["cdn"] = first.Cdn,
            ["pop"] = first.Pop,
            ["isp"] = first.Geo.Isp,
            ["device_type"] = first.Device.Type,
            ["os"] = first.Device.Os,
            ["app_version"] = first.Device.AppVersion,
            ["title_id"] = first.TitleId,
        };

        foreach (var (cubeName, cubeDims, cubeWindows) in o.Cubes)
        {
            var dimKey = string.Join('/', cubeDims.Select(d => dims[d]));
            foreach (var size in cubeWindows)
            {
                ExpectedRow Row(long t)
                {
                    var start = t - (((t % size) + size) % size);
                    var key = new ExpectedKey(cubeName, size, start, dimKey);
                    if (!result.Rows.TryGetValue(key, out var row))
                    {
                        result.Rows[key] = row = new ExpectedRow();
                    }

                    return row;
                }

                foreach (var m in marks)
                {
                    var row = Row(m.T);
                    switch (m.Kind)
                    {
                        case "attempt":
                            row.Attempts++;
                            break;
                        case "play":
                            row.Plays++;
                            row.StartTimesMs.Add(m.Value);
                            break;
                        case "vsf":
                            row.VideoStartFailures++;
                            break;
                        case "ebvs":
                            row.ExitsBeforeVideoStart++;
                            break;
                        case "vpf":
                            row.PlaybackFailures++;
                            break;
                        case "switch":
                            row.BitrateSwitches++;
                            break;
                        case "rebuffer":
                            row.Rebuffers++;
                            if (m.Flag)
                            {
                                row.SeekRebuffers++;
                            }

                            break;
                        case "bytes":
                            row.Bytes += m.Value;
                            if (m.Flag)
                            {
                                row.CacheHitBytes += m.Value;
                            }

                            break;
                        case "error":
                            row.Errors++;
                            if (m.Flag)
                            {
                                row.FatalErrors++;
                            }

                            row.ErrorsByCode[m.Code!] = row.ErrorsByCode.GetValueOrDefault(m.Code!) + 1;
                            break;
                    }
                }

                var activeWindows = new HashSet<long>();
                foreach (var seg in segments)
                {
                    if (seg.Phase is not (Phase.Playing or Phase.Paused or Phase.Rebuffering))
                    {
                        continue;
                    }

                    // Cut the segment at this size's window boundaries.
                    for (var a = seg.From; a < seg.To;)
                    {
                        var windowStart = a - (((a % size) + size) % size);
                        var b = Math.Min(seg.To, windowStart + size);
                        var row = Row(a);
                        if (seg.Phase == Phase.Playing)
                        {
                            row.PlayingMs += b - a;
                            row.BitrateKbpsMs += (b - a) * seg.Kbps;
                        }
                        else if (seg.Phase == Phase.Rebuffering)
                        {
                            row.RebufferMs += b - a;
                            if (seg.SeekStall)
                            {
                                row.SeekRebufferMs += b - a;
                            }
                        }

                        if (activeWindows.Add(windowStart))
                        {
                            row.ConcurrentPlays++;
                        }

                        a = b;
                    }
                }
            }
        }

        var playMark = marks.FirstOrDefault(m => m.Kind == "play");
        result.Sessions[sessionId] = new ExpectedSession(
            sessionId,
            first.TimestampMs,
            endTs,
            endReason,
            Attempted: marks.Any(m => m.Kind == "attempt"),
            Played: started,
            StartTimeMs: playMark.Kind is null ? -1 : playMark.Value,
            VideoStartFailure: marks.Any(m => m.Kind == "vsf"),
            ExitBeforeVideoStart: marks.Any(m => m.Kind == "ebvs"),
            PlaybackFailure: marks.Any(m => m.Kind == "vpf"),
            PlayingMs: segments.Where(s => s.Phase == Phase.Playing).Sum(s => s.To - s.From),
            RebufferMs: segments.Where(s => s.Phase == Phase.Rebuffering).Sum(s => s.To - s.From),
            SeekRebufferMs: segments.Where(s => s.Phase == Phase.Rebuffering && s.SeekStall).Sum(s => s.To - s.From),
            Rebuffers: marks.Count(m => m.Kind == "rebuffer"),
            BitrateSwitches: marks.Count(m => m.Kind == "switch"),
            Bytes: marks.Where(m => m.Kind == "bytes").Sum(m => m.Value),
            CacheHitBytes: marks.Where(m => m.Kind == "bytes" && m.Flag).Sum(m => m.Value),
            Errors: marks.Count(m => m.Kind == "error"),
            Beacons: applied);
    }
}
