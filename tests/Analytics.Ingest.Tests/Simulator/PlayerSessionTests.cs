using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator;

namespace Analytics.Ingest.Tests.Simulator;

/// <summary>Invariants every simulated session keeps, checked over the whole seeded run.</summary>
public sealed class PlayerSessionTests
{
    private static readonly HashSet<EventType> PlaybackTypes =
    [
        EventType.Heartbeat, EventType.RebufferStart, EventType.RebufferEnd, EventType.BitrateChange,
        EventType.Seek, EventType.Pause, EventType.Resume,
    ];

    [Fact]
    public void Sessions_follow_the_player_state_machine()
    {
        Assert.True(SimulatedRuns.CleanSessions.Count > 3000);
        foreach (var session in SimulatedRuns.CleanSessions)
        {
            CheckSession(session);
        }
    }

    [Fact]
    public void Every_event_type_occurs()
    {
        var types = SimulatedRuns.Clean.Select(m => m.Beacon!.Type).ToHashSet();

        Assert.Equal(EventTypes.All.ToHashSet(), types);
        Assert.Contains(SimulatedRuns.Clean, m => m.Beacon!.Type == EventType.Error && m.Beacon.Fatal == false);
    }

    [Fact]
    public void Seeks_are_followed_by_a_short_stall()
    {
        var seeks = 0;
        foreach (var session in SimulatedRuns.CleanSessions)
        {
            for (var i = 0; i < session.Count; i++)
            {
                if (session[i].Type != EventType.Seek)
                {
                    continue;
                }

                seeks++;
                var next = session.Skip(i + 1).FirstOrDefault(b => b.Type != EventType.Heartbeat);
                if (next is not null && next.Type != EventType.End && next.Type != EventType.Error)
                {
                    Assert.Equal(EventType.RebufferStart, next.Type);
                    Assert.InRange(next.TimestampMs - session[i].TimestampMs, 0, 100);
                }
            }
        }

        Assert.True(seeks > 100, $"only {seeks} seeks");
    }

    private static void CheckSession(IReadOnlyList<PlaybackBeacon> s)
    {
        var id = s[0].SessionId;
        Assert.True(s[0].Type == EventType.PlayRequest, $"{id} starts with {s[0].Type.ToWire()}");
        var deviceCap = DimensionCatalog.DeviceTypes.Single(d => d.Name == s[0].Device.Type).MaxBitrateKbps;

        long? firstFrameAt = null;
        var ended = false;
        var stalled = false;
        var paused = false;
        var bitrate = 0;
        long playhead = 0;
        double expectedBytes = 0;
        var prev = s[0];
        var heartbeats = 0;

        foreach (var b in s.Skip(1))
        {
            // Messages are built only on failure: this loop runs over every beacon of the run.
            void Check(bool condition, string what)
            {
                if (!condition)
                {
                    Assert.Fail($"{id} {b.Type.ToWire()}@{b.TimestampMs}: {what}");
                }
            }

            Check(!ended, "comes after the session ended");
            Check(b.TimestampMs >= prev.TimestampMs, "goes back in time");
            Check(b.Device == s[0].Device && b.Geo == s[0].Geo && b.Cdn == s[0].Cdn && b.Pop == s[0].Pop && b.TitleId == s[0].TitleId, "changed dimensions");
            Check(b.Type != EventType.PlayRequest, "a second play_request");

            if (firstFrameAt is null)
            {
                Check(!PlaybackTypes.Contains(b.Type), "before first_frame");
                Check(b.TimestampMs - s[0].TimestampMs <= 40_000, "startup longer than 40 s");
            }
            else
            {
                var gap = b.TimestampMs - prev.TimestampMs;
                if (gap > PlayerModel.HeartbeatIntervalMs)
                {
                    Check(false, $"silent for {gap} ms");
                }

                // Bytes and playhead accrue only while playing, at the bitrate in effect.
                if (!stalled && !paused)
                {
                    expectedBytes += bitrate * gap / 8.0;
                    playhead += gap;
                }
            }

            if (b.BitrateKbps is { } kbps)
            {
                Check(DimensionCatalog.BitrateLadderKbps.Contains(kbps), "bitrate off the ladder");
                Check(kbps <= deviceCap, "bitrate above the device cap");
            }

            if (b.PlayheadMs is { } reported && b.Type is not EventType.Seek and not EventType.FirstFrame && reported != playhead)
            {
                Check(false, $"playhead {reported}, expected {playhead}");
            }

            switch (b.Type)
            {
                case EventType.FirstFrame:
                    Check(firstFrameAt is null, "a second first_frame");
                    firstFrameAt = b.TimestampMs;
                    bitrate = b.BitrateKbps!.Value;
                    playhead = b.PlayheadMs!.Value;
                    break;
                case EventType.Heartbeat:
                    heartbeats++;
                    Check(b.TimestampMs == firstFrameAt + (heartbeats * PlayerModel.HeartbeatIntervalMs), "off the 10 s heartbeat grid");
                    Check(b.BitrateKbps == bitrate, "reports another bitrate than the one in effect");
                    Check(b.CacheHit is not null, "no cache_hit");
                    if (Math.Abs(b.Bytes!.Value - expectedBytes) > (expectedBytes * PlayerModel.BytesJitter) + 1)
                    {
                        Check(false, $"{b.Bytes} bytes, expected about {expectedBytes:F0}");
                    }

                    expectedBytes = 0;
                    break;
                case EventType.BitrateChange:
                    Check(b.BitrateKbps != bitrate, "a bitrate_change to the same bitrate");
                    bitrate = b.BitrateKbps!.Value;
                    break;
                case EventType.RebufferStart:
                    Check(!stalled && !paused, "while stalled or paused");
                    stalled = true;
                    break;
                case EventType.RebufferEnd:
                    Check(stalled, "without a stall");
                    stalled = false;
                    break;
                case EventType.Pause:
                    Check(!stalled && !paused, "while stalled or paused");
                    paused = true;
                    break;
                case EventType.Resume:
                    Check(paused, "without a pause");
                    paused = false;
                    break;
                case EventType.Seek:
                    Check(!stalled && !paused, "while stalled or paused");
                    playhead = b.PlayheadMs!.Value;
                    break;
                case EventType.Error:
                    Check(b.ErrorCode is not null && b.Fatal is not null, "error without code or fatal");
                    Check(b.Fatal == true || firstFrameAt is not null, "a non-fatal error before start");
                    ended = b.Fatal == true;
                    break;
                case EventType.End:
                    ended = true;
                    break;
            }

            prev = b;
        }

        if (!ended)
        {
            // A session cut off by the end of the run was still beaconing right up to it.
            var limit = firstFrameAt is null ? 40_000 : PlayerModel.HeartbeatIntervalMs;
            Assert.True(SimulatedRuns.CleanEndMs - prev.TimestampMs <= limit, $"{id} went silent at {prev.TimestampMs} without ending");
        }
    }
}
