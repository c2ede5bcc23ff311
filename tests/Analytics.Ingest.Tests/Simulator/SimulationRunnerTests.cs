using Analytics.Ingest.Simulator;
using Analytics.Testing;

namespace Analytics.Ingest.Tests.Simulator;

public sealed class SimulationRunnerTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.FromUnixTimeMilliseconds(1_770_000_000_000);

    private static readonly SimulatorOptions Options = new()
    {
        Seed = 11,
        ConcurrentSessions = 40,
        Duration = TimeSpan.FromMinutes(1),
        OutOfOrderFraction = 0.1,
        LateFraction = 0.05,
        DuplicateFraction = 0.05,
        MalformedFraction = 0.05,
    };

    [Fact]
    public async Task Real_time_sends_each_message_when_the_clock_reaches_its_delivery_time()
    {
        var clock = new ManualTimeProvider(Now);
        var sink = new RecordingSink(clock);
        var expected = TrafficGenerator.Generate(Options with { StartTimeMs = Now.ToUnixTimeMilliseconds() }).ToList();

        var run = SimulationRunner.RunAsync(sink, Options, clock, progress: null, CancellationToken.None);
        var steps = 0;
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, clock.WaitForTimersAsync());
            if (run.IsCompleted)
            {
                break;
            }

            // The runner waits on the clock: it sent exactly what is due, and nothing else.
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            var sent = sink.Count;
            Assert.True(sent == expected.Count || expected[sent].DeliveryTimeMs > now, $"message {sent} is due at {expected[sent].DeliveryTimeMs} but was not sent at {now}");
            Assert.True(sent == 0 || expected[sent - 1].DeliveryTimeMs <= now);
            clock.Advance(TimeSpan.FromMilliseconds(250));
            steps++;
        }

        var result = await run;
        Assert.Equal(expected.Select(m => m.Value), sink.Messages.Select(m => m.Value));
        Assert.Equal(expected.Select(m => m.Key), sink.Messages.Select(m => m.Key));
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.InRange(sink.Messages[i].SentAtMs - expected[i].DeliveryTimeMs, 0, 250);
        }

        Assert.InRange(steps, 240, 2000);
        Assert.Equal(1, sink.Flushes);
        Assert.True(result.Completed);
        Assert.Equal(expected.Count, result.MessagesSent);
        Assert.Equal(expected.Count(m => m.Kind == DeliveryKind.Duplicate), result.DuplicatesSent);
        Assert.Equal(expected.Count(m => m.Kind == DeliveryKind.Malformed), result.MalformedSent);
        Assert.Equal(result.MessagesSent, result.EventsSent + result.DuplicatesSent + result.MalformedSent);
    }

    [Fact]
    public async Task Speed_compresses_the_schedule()
    {
        var clock = new ManualTimeProvider(Now);
        var sink = new RecordingSink(clock);
        var options = Options with { Speed = 10 };

        var run = SimulationRunner.RunAsync(sink, options, clock, progress: null, CancellationToken.None);
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, clock.WaitForTimersAsync());
            if (!run.IsCompleted)
            {
                clock.Advance(TimeSpan.FromMilliseconds(100));
            }
        }

        await run;
        var elapsed = clock.GetUtcNow() - Now;
        Assert.InRange(elapsed, TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(60));
        var lastDelivery = TrafficGenerator.Generate(options with { StartTimeMs = Now.ToUnixTimeMilliseconds() }).Last().DeliveryTimeMs;
        Assert.InRange(elapsed.TotalMilliseconds, ((lastDelivery - Now.ToUnixTimeMilliseconds()) / 10.0) - 1, ((lastDelivery - Now.ToUnixTimeMilliseconds()) / 10.0) + 100);
    }

    [Fact]
    public async Task Unpaced_sends_everything_without_waiting_for_the_clock()
    {
        var clock = new ManualTimeProvider(Now);
        var sink = new RecordingSink(clock);
        var options = Options with { Pacing = SimulationPacing.Unpaced, StartTimeMs = 1_700_000_000_000 };
        var reports = new List<SimulationProgress>();

        var result = await SimulationRunner.RunAsync(sink, options, clock, new SyncProgress(reports), CancellationToken.None);

        Assert.Equal(TrafficGenerator.Generate(options).Select(m => m.Value), sink.Messages.Select(m => m.Value));
        Assert.Equal(0, clock.PendingTimers);
        Assert.Equal(Now, clock.GetUtcNow());
        Assert.True(result.Completed);
        Assert.Equal(result, reports[^1]);
        Assert.True(result.SessionsStarted >= 40);
        Assert.InRange(result.LiveSessions, 1, 60);
    }

    [Fact]
    public async Task Progress_is_reported_at_the_interval_with_the_send_rate()
    {
        var clock = new ManualTimeProvider(Now);
        var sink = new RecordingSink(clock);
        var reports = new List<SimulationProgress>();
        var options = Options with { ProgressInterval = TimeSpan.FromSeconds(5) };

        var run = SimulationRunner.RunAsync(sink, options, clock, new SyncProgress(reports), CancellationToken.None);
        while (!run.IsCompleted)
        {
            await Task.WhenAny(run, clock.WaitForTimersAsync());
            if (!run.IsCompleted)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
            }
        }

        await run;
        var periodic = reports.Where(r => !r.Completed).ToList();
        Assert.InRange(periodic.Count, 10, 30);
        Assert.All(periodic.Zip(periodic.Skip(1)), p => Assert.True(p.Second.Elapsed - p.First.Elapsed >= TimeSpan.FromSeconds(5)));
        Assert.All(periodic.Skip(2), r => Assert.True(r.MessagesPerSecond > 0 && r.LiveSessions > 0, r.ToString()));
        Assert.True(reports.Select(r => r.MessagesSent).SequenceEqual(reports.Select(r => r.MessagesSent).Order()));
        Assert.True(reports[^1].Completed);
    }

    [Fact]
    public async Task Cancelling_stops_the_run_without_flushing()
    {
        var clock = new ManualTimeProvider(Now);
        var sink = new RecordingSink(clock);
        using var cts = new CancellationTokenSource();
        var options = Options with { Duration = null };

        var run = SimulationRunner.RunAsync(sink, options, clock, progress: null, cts.Token);
        for (var i = 0; i < 20; i++)
        {
            await clock.WaitForTimersAsync();
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        await clock.WaitForTimersAsync();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        Assert.True(sink.Count > 0);
        Assert.Equal(0, sink.Flushes);
    }

    private sealed class SyncProgress(List<SimulationProgress> reports) : IProgress<SimulationProgress>
    {
        public void Report(SimulationProgress value) => reports.Add(value);
    }

    private sealed class RecordingSink(TimeProvider clock) : ITrafficSink
    {
        private readonly Lock _gate = new();
        private readonly List<(byte[] Key, byte[] Value, long SentAtMs)> _messages = [];

        public int Flushes { get; private set; }

        public int Count
        {
            get
            {
                lock (_gate)
                {
                    return _messages.Count;
                }
            }
        }

        public IReadOnlyList<(byte[] Key, byte[] Value, long SentAtMs)> Messages
        {
            get
            {
                lock (_gate)
                {
                    return _messages.ToList();
                }
            }
        }

        public ValueTask SendAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken ct)
        {
            lock (_gate)
            {
                _messages.Add((key.ToArray(), value.ToArray(), clock.GetUtcNow().ToUnixTimeMilliseconds()));
            }

            return ValueTask.CompletedTask;
        }

        public ValueTask FlushAsync(CancellationToken ct)
        {
            Flushes++;
            return ValueTask.CompletedTask;
        }
    }
}
