using Analytics.Processors.ClickHouse;
using Analytics.Processors.Health;
using Analytics.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Analytics.Processors.Tests.Health;

public sealed class HealthReporterTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 29, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_failed_write_is_tried_again_with_the_next_sample_and_nothing_is_counted_twice()
    {
        var time = new ManualTimeProvider(Start);
        var owner = new object();
        var events = 0L;
        var down = true;
        var written = new List<(long At, IReadOnlyList<HealthSample> Samples)>();
        Task Save(long at, IReadOnlyList<HealthSample> samples, CancellationToken ct)
        {
            if (down)
            {
                throw new ClickHouseTransportException("connection refused", isTransient: true);
            }

            written.Add((at, samples));
            return Task.CompletedTask;
        }

        var reporter = new HealthReporter(
            () => new PipelineFigures([new PartitionFigures(0, owner, events, 0, 0, 0, 0, 0, long.MinValue, null)], new Dictionary<string, long>(), 0),
            new DurabilityClock(time),
            Save,
            TimeSpan.FromSeconds(10),
            time,
            NullLogger.Instance);

        events = 10;
        await reporter.ReportAsync(CancellationToken.None);
        time.Advance(TimeSpan.FromSeconds(10));
        events = 25;
        await reporter.ReportAsync(CancellationToken.None);
        Assert.Equal(2, reporter.Failures);
        Assert.Empty(written);

        down = false;
        time.Advance(TimeSpan.FromSeconds(10));
        events = 26;
        await reporter.ReportAsync(CancellationToken.None);

        Assert.Equal(3, written.Count);
        Assert.Equal(written.OrderBy(w => w.At).Select(w => w.At), written.Select(w => w.At));
        Assert.Equal(26, written.SelectMany(w => w.Samples).Where(s => s.Metric == HealthMetric.Events.Name).Sum(s => s.Value));
        Assert.Equal(3, reporter.Reports);
    }

    [Fact]
    public async Task Samples_wait_in_a_bounded_queue_and_those_given_up_are_counted()
    {
        var time = new ManualTimeProvider(Start);
        var reporter = new HealthReporter(
            () => new PipelineFigures([], new Dictionary<string, long>(), 0),
            new DurabilityClock(time),
            (_, _, _) => throw new ClickHouseTransportException("connection refused", isTransient: true),
            TimeSpan.FromSeconds(10),
            time,
            NullLogger.Instance);

        for (var i = 0; i < HealthReporter.MaxPending + 5; i++)
        {
            await reporter.ReportAsync(CancellationToken.None);
        }

        Assert.Equal(5, reporter.Dropped);
        Assert.Equal(HealthReporter.MaxPending + 5, reporter.Failures);
    }

    [Fact]
    public async Task It_reports_on_the_injected_clock_until_stopped()
    {
        var time = new ManualTimeProvider(Start);
        var saved = 0;
        var reporter = new HealthReporter(
            () => new PipelineFigures([], new Dictionary<string, long>(), 0),
            new DurabilityClock(time),
            (_, _, _) =>
            {
                Interlocked.Increment(ref saved);
                return Task.CompletedTask;
            },
            TimeSpan.FromSeconds(10),
            time,
            NullLogger.Instance);
        using var stop = new CancellationTokenSource();
        var run = reporter.RunAsync(stop.Token);

        for (var i = 0; i < 3; i++)
        {
            await time.WaitForTimersAsync();
            time.Advance(TimeSpan.FromSeconds(10));
            await WaitUntil(() => Volatile.Read(ref saved) == i + 1);
        }

        await stop.CancelAsync();
        await run;
        Assert.Equal(3, saved);
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }
}
