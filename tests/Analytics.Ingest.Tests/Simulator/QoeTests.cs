using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator;

namespace Analytics.Ingest.Tests.Simulator;

/// <summary>The seeded run's ground-truth QoE lands in ranges typical of a large streaming service.</summary>
public sealed class QoeTests
{
    private static readonly Lazy<QoeSummary> Summary = new(() => QoeSummary.Compute(SimulatedRuns.Clean));

    [Fact]
    public void Start_failures_and_exits_are_a_few_percent()
    {
        var q = Summary.Value;

        Assert.InRange(q.Attempts, 3500, 6000);
        Assert.InRange(q.VideoStartFailureRate, 0.005, 0.025);
        Assert.InRange(q.ExitBeforeVideoStartRate, 0.015, 0.05);
        Assert.Equal(q.Attempts, q.Starts + q.StartFailures + q.ExitsBeforeStart + SessionsStillStarting());
        Assert.True(q.FatalErrorsAfterStart > 0);
    }

    [Fact]
    public void Startup_time_has_a_median_between_1_and_2_5_seconds_and_a_long_tail()
    {
        var q = Summary.Value;

        Assert.InRange(q.MedianStartupMs, 1000, 2500);
        Assert.InRange(q.P95StartupMs, q.MedianStartupMs * 1.8, 15_000);
    }

    [Fact]
    public void Rebuffering_cache_hits_and_bitrate_are_plausible()
    {
        var q = Summary.Value;

        Assert.InRange(q.RebufferingRatio, 0.002, 0.02);
        Assert.InRange(q.CacheHitRatio, 0.85, 0.98);
        Assert.InRange(q.MeanBitrateKbps, 2000, 9000);
    }

    [Fact]
    public void Quality_depends_on_device_and_isp()
    {
        var beacons = SimulatedRuns.Clean.Select(m => m.Beacon!).ToList();
        double MeanBitrate(string deviceType) => beacons.Where(b => b.Type == EventType.Heartbeat && b.Device.Type == deviceType).Average(b => b.BitrateKbps!.Value);

        Assert.True(MeanBitrate("mobile") < MeanBitrate("tv") * 0.8);

        var good = DimensionCatalog.Isps.Where(i => i.Quality >= 0.9).Select(i => i.Name).ToHashSet();
        var poor = DimensionCatalog.Isps.Where(i => i.Quality < 0.75).Select(i => i.Name).ToHashSet();
        var goodQoe = QoeSummary.Compute(beacons.Where(b => good.Contains(b.Geo.Isp)));
        var poorQoe = QoeSummary.Compute(beacons.Where(b => poor.Contains(b.Geo.Isp)));

        Assert.True(poorQoe.MedianStartupMs > goodQoe.MedianStartupMs * 1.2, $"poor {poorQoe} vs good {goodQoe}");
        Assert.True(poorQoe.RebufferingRatio > goodQoe.RebufferingRatio * 1.5, $"poor {poorQoe} vs good {goodQoe}");
    }

    [Fact]
    public void The_summary_follows_its_definitions()
    {
        static PlaybackBeacon B(string session, EventType type, long ts, long? bytes = null, bool? hit = null, int? kbps = null, bool? fatal = null) => new()
        {
            EventId = $"{session}-{ts}",
            SessionId = session,
            Type = type,
            TimestampMs = ts,
            Device = new DeviceInfo("tv", "tizen", null, "1"),
            Geo = new GeoInfo("us-east", "US", "Comcast", null),
            Cdn = "oca",
            Pop = "iad-1",
            TitleId = "t000001",
            Bytes = bytes,
            CacheHit = hit,
            BitrateKbps = kbps,
            Fatal = fatal,
            ErrorCode = fatal is null ? null : "E",
        };

        var q = QoeSummary.Compute(
        [
            B("a", EventType.PlayRequest, 0), B("a", EventType.FirstFrame, 1000, kbps: 3000),
            B("a", EventType.RebufferStart, 5000), B("a", EventType.RebufferEnd, 7000),
            B("a", EventType.Heartbeat, 11000, bytes: 3000, hit: true, kbps: 3000),
            B("a", EventType.Pause, 12000), B("a", EventType.Resume, 20000),
            B("a", EventType.Heartbeat, 21000, bytes: 1000, hit: false, kbps: 1000), B("a", EventType.End, 22000),
            B("a", EventType.Heartbeat, 23000, bytes: 99, hit: true, kbps: 99),
            B("b", EventType.PlayRequest, 0), B("b", EventType.Error, 500, fatal: true),
            B("c", EventType.PlayRequest, 0), B("c", EventType.End, 9000),
            B("d", EventType.PlayRequest, 0), B("d", EventType.FirstFrame, 3000, kbps: 3000), B("d", EventType.RebufferStart, 4000),
        ]);

        Assert.Equal((4L, 2L, 1L, 1L), (q.Attempts, q.Starts, q.StartFailures, q.ExitsBeforeStart));
        Assert.Equal(0.25, q.VideoStartFailureRate);
        Assert.Equal(2000, q.MedianStartupMs);
        Assert.Equal(2000, q.StalledMs);
        Assert.Equal(21000 - 2000 - 8000 + 1000, q.PlayingMs);
        Assert.Equal(0.75, q.CacheHitRatio);
        Assert.Equal(2000, q.MeanBitrateKbps);
    }

    private static long SessionsStillStarting() => SimulatedRuns.CleanSessions.Count(s => s.All(b => b.Type == EventType.PlayRequest));
}
