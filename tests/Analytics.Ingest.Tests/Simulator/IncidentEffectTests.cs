using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator;
using static Analytics.Ingest.Tests.Simulator.IncidentRuns;

namespace Analytics.Ingest.Tests.Simulator;

/// <summary>
/// Each incident kind, measured from the generated beacons with a plain reference computation: the
/// effect is large inside its slice and time range and absent outside either.
/// </summary>
public sealed class IncidentEffectTests
{
    [Fact]
    public void A_pop_outage_fails_most_starts_at_the_pop_with_a_cdn_error()
    {
        var beacons = Beacons($"pop-outage:pop=iad-1,{Window}");
        var attempts = Sessions(beacons).Select(s => (Start: s[0], Failed: FailedBeforeFirstFrame(s))).ToList();

        var inside = Share(attempts.Where(a => a.Start.Pop == "iad-1" && Inside(a.Start.TimestampMs)), a => a.Failed);
        var before = Share(attempts.Where(a => a.Start.Pop == "iad-1" && !Inside(a.Start.TimestampMs)), a => a.Failed);
        var elsewhere = Share(attempts.Where(a => a.Start.Pop != "iad-1" && Inside(a.Start.TimestampMs)), a => a.Failed);

        Assert.InRange(inside, 0.45, 0.8);
        Assert.InRange(before, 0, 0.05);
        Assert.InRange(elsewhere, 0, 0.05);
        Assert.Contains(beacons, b => b.Type == EventType.Error && b.ErrorCode == "CDN_HTTP_503" && b.Pop == "iad-1" && Inside(b.TimestampMs));
    }

    [Fact]
    public void Isp_congestion_makes_starts_slow_and_stalls_frequent_on_that_isp_only()
    {
        var beacons = Beacons($"isp-congestion:isp=Comcast,{Window}");
        double StartMedian(Func<PlaybackBeacon, bool> slice) => Median(Sessions(beacons)
            .Where(s => slice(s[0]) && s.Any(b => b.Type == EventType.FirstFrame))
            .Select(s => (double)(s.First(b => b.Type == EventType.FirstFrame).TimestampMs - s[0].TimestampMs)));
        double Ratio(Func<PlaybackBeacon, bool> slice) => RebufferingRatio(beacons.Where(slice));

        var slowInside = StartMedian(b => b.Geo.Isp == "Comcast" && Inside(b.TimestampMs));
        var normalOutside = StartMedian(b => b.Geo.Isp == "Comcast" && !Inside(b.TimestampMs));
        var otherInside = StartMedian(b => b.Geo.Isp != "Comcast" && Inside(b.TimestampMs));

        Assert.True(slowInside > 2.5 * normalOutside, $"start median {slowInside} ms inside vs {normalOutside} ms outside");
        Assert.True(otherInside < 1.3 * StartMedian(b => b.Geo.Isp != "Comcast" && !Inside(b.TimestampMs)));
        Assert.InRange(Ratio(b => b.Geo.Isp == "Comcast" && Inside(b.TimestampMs)), 0.02, 0.2);
        Assert.InRange(Ratio(b => b.Geo.Isp == "Comcast" && !Inside(b.TimestampMs)), 0, 0.012);
        Assert.InRange(Ratio(b => b.Geo.Isp != "Comcast" && Inside(b.TimestampMs)), 0, 0.012);
    }

    [Fact]
    public void An_app_crash_ends_most_plays_of_the_release_after_first_frame()
    {
        var beacons = Beacons($"app-crash:app_version=6.14.0,{Window}");
        var plays = Sessions(beacons)
            .Where(s => s.Any(b => b.Type == EventType.FirstFrame))
            .Select(s => (First: s.First(b => b.Type == EventType.FirstFrame), Crashed: s.Any(b => b.Type == EventType.Error && b.Fatal == true && b.PlayheadMs is not null)))
            .ToList();

        Assert.InRange(Share(plays.Where(p => p.First.Device.AppVersion == "6.14.0" && Inside(p.First.TimestampMs)), p => p.Crashed), 0.35, 0.7);
        Assert.InRange(Share(plays.Where(p => p.First.Device.AppVersion == "6.14.0" && !Inside(p.First.TimestampMs)), p => p.Crashed), 0, 0.05);
        Assert.InRange(Share(plays.Where(p => p.First.Device.AppVersion != "6.14.0" && Inside(p.First.TimestampMs)), p => p.Crashed), 0, 0.05);
        Assert.Contains(beacons, b => b.ErrorCode == "APP_CRASH" && b.Device.AppVersion == "6.14.0");
    }

    [Fact]
    public void A_broken_title_encoding_fails_starts_on_that_title_with_one_code()
    {
        var beacons = Beacons($"title-encoding:title_id=t000001,code=BAD_ENCODING,{Window}");
        var attempts = Sessions(beacons).Select(s => (Start: s[0], Code: s.FirstOrDefault(b => b.Type == EventType.Error && b.Fatal == true)?.ErrorCode)).ToList();

        Assert.InRange(Share(attempts.Where(a => a.Start.TitleId == "t000001" && Inside(a.Start.TimestampMs)), a => a.Code == "BAD_ENCODING"), 0.55, 0.85);
        Assert.DoesNotContain(attempts, a => a.Code == "BAD_ENCODING" && (a.Start.TitleId != "t000001" || !Inside(a.Start.TimestampMs)));
    }

    [Fact]
    public void A_regional_drop_removes_most_new_sessions_of_the_region_and_no_others()
    {
        var dropped = Beacons($"regional-drop:region=us-east,{Window}").Where(b => b.Type == EventType.PlayRequest).ToList();
        var normal = Baseline.Where(b => b.Type == EventType.PlayRequest).ToList();
        double Attempts(IEnumerable<PlaybackBeacon> starts, bool region, bool inside)
            => starts.Count(b => (b.Geo.Region == "us-east") == region && Inside(b.TimestampMs) == inside);

        Assert.InRange(Attempts(dropped, true, true) / Attempts(normal, true, true), 0.1, 0.3);
        Assert.InRange(Attempts(dropped, true, false) / Attempts(normal, true, false), 0.95, 1.05);
        Assert.InRange(Attempts(dropped, false, true) / Attempts(normal, false, true), 0.95, 1.05);
    }

    [Fact]
    public void A_cdn_cache_miss_collapses_its_cache_hit_ratio()
    {
        var beacons = Beacons($"cdn-cache-miss:cdn=akamai,{Window}");
        double HitRatio(Func<PlaybackBeacon, bool> slice)
        {
            var heartbeats = beacons.Where(b => b.Type == EventType.Heartbeat && slice(b)).ToList();
            return heartbeats.Where(b => b.CacheHit == true).Sum(b => b.Bytes!.Value) / (double)heartbeats.Sum(b => b.Bytes!.Value);
        }

        Assert.InRange(HitRatio(b => b.Cdn == "akamai" && Inside(b.TimestampMs)), 0.3, 0.5);
        Assert.InRange(HitRatio(b => b.Cdn == "akamai" && !Inside(b.TimestampMs)), 0.85, 1);
        Assert.InRange(HitRatio(b => b.Cdn != "akamai" && Inside(b.TimestampMs)), 0.85, 1);
    }

    [Fact]
    public void A_premiere_multiplies_new_sessions_on_its_title_with_healthy_qoe()
    {
        var premiere = Beacons($"premiere:title_id=t000003,boost=5,{Window}");
        var starts = premiere.Where(b => b.Type == EventType.PlayRequest).ToList();
        var normal = Baseline.Where(b => b.Type == EventType.PlayRequest).ToList();
        double Ratio(Func<PlaybackBeacon, bool> slice) => starts.Count(slice) / (double)normal.Count(slice);

        Assert.InRange(Ratio(b => b.TitleId == "t000003" && Inside(b.TimestampMs)), 3.5, 6.5);
        Assert.InRange(Ratio(b => b.TitleId == "t000003" && !Inside(b.TimestampMs)), 0.9, 1.1);
        Assert.InRange(Ratio(b => b.TitleId != "t000003"), 0.98, 1.02);
        var premiereSessions = Sessions(premiere).Where(s => s[0].TitleId == "t000003" && Inside(s[0].TimestampMs));
        Assert.InRange(Share(premiereSessions, FailedBeforeFirstFrame), 0, 0.05);
    }

    [Fact]
    public void With_incidents_the_same_seed_gives_the_same_bytes()
    {
        var incidents = new[] { $"pop-outage:pop=iad-1,{Window},ramp=1m", $"premiere:title_id=t000002,{Window}" };
        var options = Options with { Duration = TimeSpan.FromMinutes(5), Incidents = incidents };

        Assert.Equal(TrafficGenerator.Generate(options).Select(m => m.Value), TrafficGenerator.Generate(options).Select(m => m.Value));
    }

    [Fact]
    public void An_incident_after_the_run_leaves_the_traffic_byte_identical()
    {
        var options = Options with { Duration = TimeSpan.FromMinutes(3) };
        var later = options with { Incidents = ["pop-outage:pop=iad-1,at=3m,for=5m", "isp-congestion:isp=Comcast,at=4m,for=1m", "premiere:title_id=t000001,at=3m,for=1m"] };

        Assert.Equal(TrafficGenerator.Generate(options).Select(m => m.Value), TrafficGenerator.Generate(later).Select(m => m.Value));
    }

    [Fact]
    public void A_cache_miss_without_slowdown_leaves_sessions_outside_the_cdn_byte_identical()
    {
        var missed = Messages($"cdn-cache-miss:cdn=fastly,slowdown=1,{Window}").Where(m => m.Beacon!.Cdn != "fastly").Select(m => m.Value);
        var normal = Messages().Where(m => m.Beacon!.Cdn != "fastly").Select(m => m.Value);

        Assert.Equal(normal, missed);
    }

    private static bool FailedBeforeFirstFrame(IReadOnlyList<PlaybackBeacon> session)
    {
        foreach (var b in session)
        {
            if (b.Type == EventType.FirstFrame)
            {
                return false;
            }

            if (b.Type == EventType.Error && b.Fatal == true)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Stalled time over stalled plus played time: stalls from rebuffer_start to rebuffer_end, playing time as 10 s per heartbeat.</summary>
    private static double RebufferingRatio(IEnumerable<PlaybackBeacon> beacons)
    {
        long stalled = 0, heartbeats = 0;
        foreach (var session in Sessions(beacons))
        {
            heartbeats += session.Count(b => b.Type == EventType.Heartbeat);
            long? stallStart = null;
            foreach (var b in session)
            {
                if (b.Type == EventType.RebufferStart)
                {
                    stallStart = b.TimestampMs;
                }
                else if (b.Type == EventType.RebufferEnd && stallStart is { } s)
                {
                    stalled += b.TimestampMs - s;
                    stallStart = null;
                }
            }
        }

        return stalled / (double)(stalled + (heartbeats * PlayerModel.HeartbeatIntervalMs));
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        Assert.True(sorted.Count >= 20, $"only {sorted.Count} values");
        return sorted[sorted.Count / 2];
    }
}
