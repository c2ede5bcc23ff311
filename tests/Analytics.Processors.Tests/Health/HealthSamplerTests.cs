using Analytics.Processors.Health;
using Analytics.Testing;

namespace Analytics.Processors.Tests.Health;

public sealed class HealthSamplerTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    private static PartitionFigures Figures(int partition, object owner, long events, long late = 0, bool retired = false, long watermark = long.MinValue, long? lag = null)
        => new(partition, owner, events, late, Orphans: 0, Duplicates: 0, Lost: 0, OpenSessions: 5, watermark, lag, retired);

    private static PipelineFigures Pipeline(params PartitionFigures[] partitions)
        => new(partitions, new Dictionary<string, long>(), SinkRows: 0);

    private static double Value(IReadOnlyList<HealthSample> samples, HealthMetric metric, int partition = HealthSample.Instance, string reason = "")
        => samples.Single(s => s.Metric == metric.Name && s.Partition == partition && s.Reason == reason).Value;

    [Fact]
    public void Counters_are_the_increase_since_the_previous_sample()
    {
        var sampler = new HealthSampler();
        var clock = new DurabilityClock(new ManualTimeProvider(Start));
        var owner = new object();

        var first = sampler.Sample(Pipeline(Figures(0, owner, events: 100, late: 3)), clock, 0);
        var second = sampler.Sample(Pipeline(Figures(0, owner, events: 130, late: 3)), clock, 0);

        Assert.Equal(100, Value(first, HealthMetric.Events, 0));
        Assert.Equal(3, Value(first, HealthMetric.LateBeacons, 0));
        Assert.Equal(30, Value(second, HealthMetric.Events, 0));
        Assert.Equal(0, Value(second, HealthMetric.LateBeacons, 0));
    }

    [Fact]
    public void A_new_owner_of_a_partition_counts_from_zero_and_the_sums_stay_exact()
    {
        var sampler = new HealthSampler();
        var clock = new DurabilityClock(new ManualTimeProvider(Start));
        var (before, after) = (new object(), new object());

        var total = 0.0;
        total += Value(sampler.Sample(Pipeline(Figures(1, before, events: 50)), clock, 0), HealthMetric.Events, 1);

        // Released with 70 counted, then assigned again: the new processor has counted 20 so far.
        var handover = sampler.Sample(Pipeline(Figures(1, before, events: 70, retired: true), Figures(1, after, events: 20)), clock, 0);
        total += handover.Where(s => s.Metric == HealthMetric.Events.Name).Sum(s => s.Value);
        total += Value(sampler.Sample(Pipeline(Figures(1, after, events: 25)), clock, 0), HealthMetric.Events, 1);

        Assert.Equal(95, total);
        Assert.Single(handover, s => s.Metric == HealthMetric.OpenSessions.Name);
    }

    [Fact]
    public void A_partition_released_at_shutdown_reports_its_gauges_as_they_were_at_release()
    {
        var time = new ManualTimeProvider(Start);
        var clock = new DurabilityClock(time);
        clock.Assigned(4);
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();

        var samples = new HealthSampler().Sample(Pipeline(Figures(4, new object(), events: 9, retired: true, watermark: now - 2_000, lag: 0)), clock, now);

        Assert.Equal(9, Value(samples, HealthMetric.Events, 4));
        Assert.Equal(5, Value(samples, HealthMetric.OpenSessions, 4));
        Assert.Equal(0, Value(samples, HealthMetric.ConsumerLag, 4));
        Assert.Equal(2, Value(samples, HealthMetric.WatermarkDelay, 4));
        Assert.Equal(0, Value(samples, HealthMetric.CheckpointAge, 4));
    }

    [Fact]
    public void Gauges_report_lag_watermark_delay_and_checkpoint_age_at_the_moment()
    {
        var time = new ManualTimeProvider(Start);
        var clock = new DurabilityClock(time);
        clock.Assigned(2);
        time.Advance(TimeSpan.FromSeconds(12));
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();

        var samples = new HealthSampler().Sample(Pipeline(Figures(2, new object(), 0, watermark: now - 15_000, lag: 400)), clock, now);

        Assert.Equal(400, Value(samples, HealthMetric.ConsumerLag, 2));
        Assert.Equal(15, Value(samples, HealthMetric.WatermarkDelay, 2));
        Assert.Equal(12, Value(samples, HealthMetric.CheckpointAge, 2));
        Assert.Equal(5, Value(samples, HealthMetric.OpenSessions, 2));

        clock.Checkpointed(2);
        Assert.Equal(0, clock.CheckpointAgeSeconds(2));
        Assert.Null(clock.CheckpointAgeSeconds(3));
    }

    [Fact]
    public void Dead_letters_are_by_reason_and_sink_latency_is_the_median_and_max_of_the_interval()
    {
        var sampler = new HealthSampler();
        var clock = new DurabilityClock(new ManualTimeProvider(Start));
        foreach (var ms in new[] { 40, 10, 30, 20 })
        {
            clock.Inserted(TimeSpan.FromMilliseconds(ms));
        }

        var first = sampler.Sample(new PipelineFigures([], new Dictionary<string, long> { ["bad_json"] = 4, ["missing_field"] = 1 }, SinkRows: 900), clock, 0);
        var second = sampler.Sample(new PipelineFigures([], new Dictionary<string, long> { ["bad_json"] = 6, ["missing_field"] = 1 }, SinkRows: 1000), clock, 0);

        Assert.Equal(4, Value(first, HealthMetric.DeadLetters, reason: "bad_json"));
        Assert.Equal(1, Value(first, HealthMetric.DeadLetters, reason: "missing_field"));
        Assert.Equal(25, Value(first, HealthMetric.SinkInsertP50));
        Assert.Equal(40, Value(first, HealthMetric.SinkInsertMax));
        Assert.Equal(900, Value(first, HealthMetric.SinkRows));

        // Reasons with nothing new are left out; without inserts there is no latency to report.
        Assert.Equal(2, Value(second, HealthMetric.DeadLetters, reason: "bad_json"));
        Assert.DoesNotContain(second, s => s.Reason == "missing_field");
        Assert.DoesNotContain(second, s => s.Metric == HealthMetric.SinkInsertP50.Name);
        Assert.Equal(100, Value(second, HealthMetric.SinkRows));
    }
}
