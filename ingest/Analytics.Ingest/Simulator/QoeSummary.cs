using Analytics.Ingest.Events;

namespace Analytics.Ingest.Simulator;

/// <summary>
/// Session-level QoE of a set of beacons, computed directly from ground truth. Definitions:
/// VSF = fatal error before first_frame / attempts; EBVS = end before first_frame / attempts;
/// startup = first_frame − play_request; rebuffering ratio = stalled time / (stalled + playing time),
/// where playing time is first_frame → end minus stalls and pauses (a session cut off by the end
/// of the run counts up to its last beacon); cache hit ratio is byte-weighted over heartbeats;
/// bitrate is the mean of heartbeats' bitrate_kbps.
/// </summary>
internal sealed record QoeSummary
{
    public long Beacons { get; init; }

    public long Attempts { get; init; }

    public long Starts { get; init; }

    public long StartFailures { get; init; }

    public long ExitsBeforeStart { get; init; }

    public long FatalErrorsAfterStart { get; init; }

    public double VideoStartFailureRate => Attempts == 0 ? 0 : StartFailures / (double)Attempts;

    public double ExitBeforeVideoStartRate => Attempts == 0 ? 0 : ExitsBeforeStart / (double)Attempts;

    public double MedianStartupMs { get; init; }

    public double P95StartupMs { get; init; }

    public double StalledMs { get; init; }

    public double PlayingMs { get; init; }

    public double RebufferingRatio => StalledMs + PlayingMs == 0 ? 0 : StalledMs / (StalledMs + PlayingMs);

    public long Bytes { get; init; }

    public long CacheHitBytes { get; init; }

    public double CacheHitRatio => Bytes == 0 ? 0 : CacheHitBytes / (double)Bytes;

    public double MeanBitrateKbps { get; init; }

    /// <summary>Computes the summary from the original valid beacons of <paramref name="messages"/> (duplicates and malformed ignored).</summary>
    public static QoeSummary Compute(IEnumerable<SimulatedMessage> messages)
        => Compute(messages.Where(m => m.Beacon is not null && m.Kind != DeliveryKind.Duplicate).OrderBy(m => m.Sequence).Select(m => m.Beacon!));

    /// <summary>Computes the summary from beacons given in generation order (each session's beacons in event-time order).</summary>
    public static QoeSummary Compute(IEnumerable<PlaybackBeacon> beacons)
    {
        var sessions = new Dictionary<string, SessionState>(StringComparer.Ordinal);
        var startups = new List<double>();
        long count = 0, attempts = 0, starts = 0, startFailures = 0, exits = 0, fatalAfter = 0, bytes = 0, hitBytes = 0, heartbeats = 0;
        double bitrateSum = 0, stalled = 0, playing = 0;

        foreach (var b in beacons)
        {
            count++;
            if (!sessions.TryGetValue(b.SessionId, out var s))
            {
                s = new SessionState();
                sessions.Add(b.SessionId, s);
            }

            if (s.Closed)
            {
                continue;
            }

            s.LastTs = b.TimestampMs;
            switch (b.Type)
            {
                case EventType.PlayRequest:
                    attempts++;
                    s.RequestTs = b.TimestampMs;
                    break;
                case EventType.FirstFrame when !s.Started:
                    starts++;
                    s.Started = true;
                    s.FirstFrameTs = b.TimestampMs;
                    if (s.RequestTs is { } request)
                    {
                        startups.Add(b.TimestampMs - request);
                    }

                    break;
                case EventType.Heartbeat:
                    heartbeats++;
                    bitrateSum += b.BitrateKbps ?? 0;
                    bytes += b.Bytes ?? 0;
                    hitBytes += b.CacheHit == true ? b.Bytes ?? 0 : 0;
                    break;
                case EventType.RebufferStart when s.StallStart is null:
                    s.StallStart = b.TimestampMs;
                    break;
                case EventType.RebufferEnd when s.StallStart is { } stallStart:
                    s.Stalled += b.TimestampMs - stallStart;
                    s.StallStart = null;
                    break;
                case EventType.Pause when s.PauseStart is null:
                    s.PauseStart = b.TimestampMs;
                    break;
                case EventType.Resume when s.PauseStart is { } pauseStart:
                    s.Paused += b.TimestampMs - pauseStart;
                    s.PauseStart = null;
                    break;
                case EventType.Error when b.Fatal == true:
                    if (s.Started)
                    {
                        fatalAfter++;
                    }
                    else
                    {
                        startFailures++;
                    }

                    Close(s);
                    break;
                case EventType.End:
                    if (!s.Started)
                    {
                        exits++;
                    }

                    Close(s);
                    break;
            }
        }

        foreach (var s in sessions.Values)
        {
            Close(s);
        }

        startups.Sort();
        return new QoeSummary
        {
            Beacons = count,
            Attempts = attempts,
            Starts = starts,
            StartFailures = startFailures,
            ExitsBeforeStart = exits,
            FatalErrorsAfterStart = fatalAfter,
            MedianStartupMs = Quantile(startups, 0.5),
            P95StartupMs = Quantile(startups, 0.95),
            StalledMs = stalled,
            PlayingMs = playing,
            Bytes = bytes,
            CacheHitBytes = hitBytes,
            MeanBitrateKbps = heartbeats == 0 ? 0 : bitrateSum / heartbeats,
        };

        void Close(SessionState s)
        {
            if (s.Closed)
            {
                return;
            }

            s.Closed = true;
            if (!s.Started)
            {
                return;
            }

            var stall = s.Stalled + (s.StallStart is { } st ? s.LastTs - st : 0);
            var pause = s.Paused + (s.PauseStart is { } ps ? s.LastTs - ps : 0);
            stalled += stall;
            playing += Math.Max(0, s.LastTs - s.FirstFrameTs - stall - pause);
        }
    }

    public override string ToString() => string.Create(
        System.Globalization.CultureInfo.InvariantCulture,
        $"beacons={Beacons} attempts={Attempts} starts={Starts} VSF={VideoStartFailureRate:P2} EBVS={ExitBeforeVideoStartRate:P2} "
        + $"startup median={MedianStartupMs:F0} ms p95={P95StartupMs:F0} ms rebuffering={RebufferingRatio:P2} "
        + $"cache hit={CacheHitRatio:P1} bitrate={MeanBitrateKbps:F0} kbps fatal after start={FatalErrorsAfterStart}");

    private static double Quantile(List<double> sorted, double q)
    {
        if (sorted.Count == 0)
        {
            return 0;
        }

        var pos = q * (sorted.Count - 1);
        var lo = (int)Math.Floor(pos);
        var hi = Math.Min(sorted.Count - 1, lo + 1);
        return sorted[lo] + ((sorted[hi] - sorted[lo]) * (pos - lo));
    }

    private sealed class SessionState
    {
        public long? RequestTs;
        public long FirstFrameTs;
        public long LastTs;
        public bool Started;
        public bool Closed;
        public long? StallStart;
        public long Stalled;
        public long? PauseStart;
        public long Paused;
    }
}
