using Analytics.Ingest.Events;
using Analytics.Ingest.Simulator;
using Analytics.Testing;
using Analytics.Testing.Reference;

namespace Analytics.Ingest.Tests.Simulator;

/// <summary>The seeded run's QoE, by the project's metric definitions, lands in ranges typical of a large streaming service.</summary>
public sealed class QoeTests
{
    private static readonly Lazy<Qoe> Summary = new(() => Qoe.Of(SimulatedRuns.Clean.Select(m => m.Beacon!)));

    [Fact]
    public void Start_failures_and_exits_are_a_few_percent()
    {
        var q = Summary.Value;

        Assert.InRange(q.Attempts, 3500, 6000);
        Assert.InRange(q.VideoStartFailureRate, 0.005, 0.025);
        Assert.InRange(q.ExitBeforeVideoStartRate, 0.015, 0.05);
        Assert.Equal(q.Attempts, q.Plays + q.VideoStartFailures + q.ExitsBeforeVideoStart);
        Assert.True(q.PlaybackFailures > 0);
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
        var goodQoe = Qoe.Of(beacons.Where(b => good.Contains(b.Geo.Isp)));
        var poorQoe = Qoe.Of(beacons.Where(b => poor.Contains(b.Geo.Isp)));

        Assert.True(poorQoe.MedianStartupMs > goodQoe.MedianStartupMs * 1.2, $"poor {poorQoe} vs good {goodQoe}");
        Assert.True(poorQoe.RebufferingRatio > goodQoe.RebufferingRatio * 1.5, $"poor {poorQoe} vs good {goodQoe}");
    }

    /// <summary>
    /// Session-level QoE of the simulated beacons, by the definitions in docs/metrics.md as the reference
    /// model computes them (every session ends: at its end beacon, a fatal error, or the timeout).
    /// Mean bitrate is the plain mean over heartbeats: a check of the simulator's bitrate ladder.
    /// </summary>
    private sealed record Qoe(
        long Attempts,
        long Plays,
        long VideoStartFailures,
        long ExitsBeforeVideoStart,
        long PlaybackFailures,
        double MedianStartupMs,
        double P95StartupMs,
        double RebufferingRatio,
        double CacheHitRatio,
        double MeanBitrateKbps)
    {
        public double VideoStartFailureRate => VideoStartFailures / (double)Attempts;

        public double ExitBeforeVideoStartRate => ExitsBeforeVideoStart / (double)Attempts;

        public static Qoe Of(IEnumerable<PlaybackBeacon> arrivals)
        {
            var beacons = arrivals.ToList();
            var sessions = ReferenceModel.Compute(beacons.Select(b => new ReferenceMessage(0, b)), ProcessorHarness.DefaultSessionRules).Sessions.Values.ToList();
            var starts = new ExpectedRow();
            starts.StartTimesMs.AddRange(sessions.Where(s => s.Played).Select(s => s.StartTimeMs));
            long playing = sessions.Sum(s => s.PlayingMs), rebuffering = sessions.Sum(s => s.RebufferMs);
            return new Qoe(
                sessions.Count(s => s.Attempted),
                sessions.Count(s => s.Played),
                sessions.Count(s => s.VideoStartFailure),
                sessions.Count(s => s.ExitBeforeVideoStart),
                sessions.Count(s => s.PlaybackFailure),
                starts.ExactStartTimeQuantile(0.5),
                starts.ExactStartTimeQuantile(0.95),
                rebuffering / (double)(playing + rebuffering),
                sessions.Sum(s => s.CacheHitBytes) / (double)sessions.Sum(s => s.Bytes),
                beacons.Where(b => b.Type == EventType.Heartbeat).Average(b => b.BitrateKbps!.Value));
        }
    }
}
