using Analytics.Ingest.DeadLetters;
using Analytics.Ingest.Kafka;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Health;
using Analytics.Processors.Sinks;
using Microsoft.Extensions.Logging;

namespace Analytics.Processors.Pipeline;

/// <summary>
/// Runs the processor: one Kafka consumer thread (<see cref="ConsumerLoop"/>), a few partition
/// workers and one output, joined by bounded channels so that a slow output slows the workers,
/// which slows consumption. Offsets are committed only from checkpoints, after everything derived
/// from them is durable in the output.
/// </summary>
internal sealed class ProcessorHost
{
    private readonly KafkaOptions _kafka;
    private readonly ProcessorOptions _options;
    private readonly IPipelineOutput _output;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly bool _stopAtEnd;
    private readonly PipelineFailure _failure;
    private readonly OffsetCommitter _committer;
    private readonly InputEnd _end;
    private readonly DurabilityClock _durability;
    private PartitionAssignments? _assignments;
    private DeadLetterProducer? _deadLetters;

    public ProcessorHost(
        KafkaOptions kafka,
        ProcessorOptions options,
        IPipelineOutput output,
        TimeProvider time,
        ILogger log,
        bool stopAtEnd = false)
    {
        _kafka = kafka.Validate();
        _options = options.Validate();
        _output = output;
        _time = time;
        _log = log;
        _stopAtEnd = stopAtEnd;
        _failure = new PipelineFailure(log);
        _committer = new OffsetCommitter(_kafka.Topic, log);
        _end = new InputEnd(_kafka.Topic);
        _durability = new DurabilityClock(time);
    }

    /// <summary>The processor writing to ClickHouse: how <c>run</c>, <c>demo</c>, the tests and the benchmarks build it.</summary>
    public static ProcessorHost ForClickHouse(
        KafkaOptions kafka,
        ProcessorOptions options,
        SinkOptions sink,
        IClickHouseConnection clickHouse,
        TimeProvider time,
        ILogger log,
        bool stopAtEnd = false)
        => new(kafka, options, new ClickHouseOutput(clickHouse, sink, time, log), time, log, stopAtEnd);

    /// <summary>The identity of the input: Kafka cluster id and topic; known once running.</summary>
    public string? Source { get; private set; }

    public PipelineStatus Status => PipelineStatusView.Of(_assignments, _output.Counters, _committer.Commits, _deadLetters?.Total ?? 0, _end.Lag, _failure.Exception);

    public async Task RunAsync(CancellationToken ct)
    {
        var clusterId = await KafkaClusterInfo.GetClusterIdAsync(_kafka, ct);
        var topicPartitions = await KafkaClusterInfo.GetPartitionCountAsync(_kafka, ct);
        Source = KafkaClusterInfo.InputIdentity(clusterId, _kafka.Topic);
        using var deadLetters = new DeadLetterProducer(_kafka, _options.InstanceId);
        _deadLetters = deadLetters;
        await _output.StartAsync(_options, new OutputContext(_kafka.GroupId, _options.InstanceId, topicPartitions, deadLetters, _committer.Committable) { Durability = _durability }, ct);

        _log.LogInformation("Reading {Topic} (source {Source}, {Partitions} partitions) as group {Group}; writing to {Output}.", _kafka.Topic, Source, topicPartitions, _kafka.GroupId, _output.Description);

        var workers = Enumerable.Range(0, _options.Workers)
            .Select(i => new PartitionWorker(i, _options, _output.Input, deadLetters, _time, capacity: 8))
            .ToArray();
        var pool = new WorkerPool(workers, _failure.Signal);
        var idle = new IdlePartitions(_options.IdleTimeout, _time);
        _assignments = new PartitionAssignments(_options, _kafka.Topic, _output, pool, _committer, idle, _time, _log, _failure.Signal)
        {
            Source = Source,
            Durability = _durability,
        };
        var loop = new ConsumerLoop(_kafka, _options, _output.FlushInterval, pool, _assignments, _committer, idle, _end, _failure, _time, _log);

        var health = new HealthReporter(Figures, _durability, _output.SaveHealthAsync, _options.HealthInterval, _time, _log);
        using var stopHealth = new CancellationTokenSource();
        var healthTask = _failure.Watch(Task.Run(() => health.RunAsync(stopHealth.Token), CancellationToken.None), "health reporter");
        using var abort = new CancellationTokenSource();
        var outputTask = _failure.Watch(Task.Run(() => _output.RunAsync(abort.Token), CancellationToken.None), "output");
        var workerTasks = workers.Select(w => _failure.Watch(Task.Run(() => w.RunAsync(abort.Token), CancellationToken.None), $"worker {w.Index}")).ToArray();
        var consumerTask = Task.Factory.StartNew(() => loop.Run(_stopAtEnd, ct), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        try
        {
            await consumerTask;
        }
        catch (Exception ex)
        {
            _failure.Fail("consumer", ex);
        }

        if (_failure.Exception is null)
        {
            foreach (var w in workers)
            {
                w.Input.Writer.TryComplete();
            }

            await Task.WhenAll(workerTasks);
            _output.Input.TryComplete();
            await outputTask;
            await stopHealth.CancelAsync();
            await healthTask;

            // The last figures, so the totals in pipeline_health cover the whole run.
            using var last = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await health.ReportAsync(last.Token);
        }
        else
        {
            await abort.CancelAsync();
            await stopHealth.CancelAsync();
            await Task.WhenAll(workerTasks.Append(outputTask).Append(healthTask).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            throw _failure.Exception!;
        }
    }

    private PipelineFigures Figures()
    {
        PartitionFigures Of(KeyValuePair<int, PartitionProcessor> a, bool retired) => new(
            a.Key,
            a.Value.Counters,
            a.Value.Counters.Messages,
            a.Value.Counters.TooLate,
            a.Value.Counters.Orphans,
            a.Value.Counters.Duplicates,
            a.Value.Counters.Skipped,
            a.Value.ActiveSessions,
            a.Value.Watermark,
            _end.LagOf(a.Key),
            retired);

        // Retired first: a partition released and assigned again reports its new owner last.
        var retired = _assignments?.TakeRetired() ?? [];
        var partitions = retired.Select(a => Of(a, retired: true))
            .Concat((_assignments?.Processors ?? []).Select(a => Of(a, retired: false)))
            .ToList();
        return new PipelineFigures(partitions, _deadLetters?.CountsByReason ?? new Dictionary<string, long>(), _output.Counters.RowsWritten);
    }
}
