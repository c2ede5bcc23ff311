using Analytics.Benchmarks.Harness;
using Analytics.Ingest.Kafka;
using Analytics.Ingest.Simulator;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Sinks;
using Microsoft.Extensions.Logging;

namespace Analytics.Benchmarks.Kafka;

/// <summary>
/// Live traffic at a steady rate through Kafka and the processor into chDB. Beacons produced during the
/// sampled span are matched with the moment their 10 s window row (per partition) became queryable.
/// </summary>
internal sealed class LatencyPhase
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Margin = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan MaxWait = TimeSpan.FromSeconds(60);
    private readonly KafkaBenchOptions _options;
    private readonly ILogger _log;

    public LatencyPhase(KafkaBenchOptions options, ILogger log)
    {
        _options = options;
        _log = log;
    }

    public async Task<LatencyResult> RunAsync(ChDbConnection writer, string dataPath, CancellationToken ct)
    {
        const string Database = "kbench_latency";
        await writer.ExecuteAsync($"DROP DATABASE IF EXISTS {Database} SYNC", ct);
        await new SchemaMigrator(writer).MigrateAsync(Database, QoeTables.Migrations, ct);
        await using var reader = await ChDbConnection.OpenAsync(new ChDbOptions { Path = dataPath, ReadOnly = true }, ct);
        using var broker = await KafkaBroker.StartAsync(_options.Partitions, _options.InProcessBroker, ct);
        var kafka = new KafkaOptions { BootstrapServers = broker.Bootstrap, GroupId = "kbench-latency" };
        var processor = new ProcessorOptions();
        var warmUp = TimeSpan.FromSeconds(Math.Min(20, _options.LatencySeconds / 4.0));
        var sampled = TimeSpan.FromSeconds(_options.LatencySeconds);
        Progress.Report(Units.F($"latency: {Units.Rate(_options.Rate)}/s live, {warmUp.TotalSeconds:F0} + {sampled.TotalSeconds:F0} s"));

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var host = ProcessorHost.ForClickHouse(kafka, processor, new SinkOptions { Database = Database }, writer, TimeProvider.System, _log);
        var processorTask = host.RunAsync(stop.Token);
        using var sink = new RecordingTrafficSink(kafka, Window);
        var simulatorTask = Task.Run(() => SimulationRunner.RunAsync(sink, _options.Live, TimeProvider.System, null, stop.Token), CancellationToken.None);
        var poller = new WindowPoller(reader, Database);
        using var stopPolling = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var pollerTask = poller.RunAsync(stopPolling.Token);

        await Wait(warmUp, processorTask, simulatorTask, ct);
        sink.Sampling = true;
        var sampledFrom = sink.Sent;
        var processedFrom = host.Status.Messages;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Wait(sampled, processorTask, simulatorTask, ct);
        sink.Sampling = false;
        var seconds = clock.Elapsed.TotalSeconds;
        var sampledBeacons = sink.Sent - sampledFrom;
        var achievedRate = sampledBeacons / seconds;
        var status = host.Status;
        var processedRate = (status.Messages - processedFrom) / seconds;
        var backlog = sink.Sent - status.Messages;

        // Keep traffic flowing until the sampled windows close (watermark past window end + out-of-orderness), then wait for them.
        await Wait(Window + processor.OutOfOrderness + Margin, processorTask, simulatorTask, ct);
        var samples = sink.Samples();
        var wanted = samples.Select(s => (s.WindowStartMs, s.Partition)).ToHashSet();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (waited.Elapsed < MaxWait && !processorTask.IsCompleted && wanted.Any(w => !poller.HasSeen(w)))
        {
            await Task.Delay(WindowPoller.Interval, ct);
        }

        await stopPolling.CancelAsync();
        await pollerTask;
        Progress.Report($"latency: stopping ({Units.Count(sink.Sent - host.Status.Messages)} beacons unprocessed)");
        await stop.CancelAsync();
        await Quietly(simulatorTask);
        await processorTask;
        Progress.Report($"latency: {Units.Rate(achievedRate)}/s produced, {Units.Count(samples.Count)} sampled");
        await writer.ExecuteAsync($"DROP DATABASE IF EXISTS {Database} SYNC", ct);
        var rates = new LiveRates(achievedRate, processedRate, backlog);
        return LatencyResult.From(samples, poller.FirstSeen, Window, processor.OutOfOrderness, rates, sink.Failed, sink.FirstError, poller.Failures, warmUp);
    }

    /// <summary>Waits, but fails at once if the processor or the simulator stopped on its own.</summary>
    private static async Task Wait(TimeSpan span, Task processor, Task simulator, CancellationToken ct)
    {
        var done = await Task.WhenAny(Task.Delay(span, ct), processor, simulator);
        if (done == processor || done == simulator)
        {
            await done;
            throw new InvalidOperationException($"The {(done == processor ? "processor" : "simulator")} stopped during the latency phase.");
        }

        await done;
    }

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }
}
