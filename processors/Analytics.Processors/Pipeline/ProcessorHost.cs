using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Analytics.Ingest.DeadLetters;
using Analytics.Ingest.Kafka;
using Analytics.Processors.Checkpoints;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Sinks;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Analytics.Processors.Pipeline;

/// <summary>
/// Runs the processor: one Kafka consumer thread, a few partition workers and one ClickHouse writer,
/// joined by bounded channels so that a slow ClickHouse slows the workers, which slows consumption.
/// Offsets are committed only from checkpoints, after everything derived from them is in ClickHouse.
/// </summary>
internal sealed class ProcessorHost
{
    private static readonly TimeSpan HandoverTimeout = TimeSpan.FromSeconds(60);

    // How often the consumer loop looks up from a busy queue to flush, tick and checkpoint.
    private static readonly TimeSpan DutyInterval = TimeSpan.FromMilliseconds(100);
    private readonly KafkaOptions _kafka;
    private readonly ProcessorOptions _options;
    private readonly SinkOptions _sinkOptions;
    private readonly IClickHouseConnection _clickHouse;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly bool _stopAtEnd;
    private readonly ConcurrentQueue<TopicPartitionOffset> _commits = new();
    private readonly ConcurrentDictionary<int, PartitionProcessor> _assigned = new();
    private readonly ConcurrentDictionary<int, PartitionOutput> _outputs = new();
    private readonly Dictionary<int, long> _lastMessageAt = [];
    private readonly Dictionary<int, long> _endOffsets = [];
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly PartitionCounters _released = new();
    private PartitionWorker[] _workers = [];
    private ClickHouseSink? _sink;
    private DeadLetterProducer? _deadLetters;
    private CheckpointStore? _store;
    private List<ConsumeResult<byte[], byte[]>>[] _batches = [];
    private int _batched;
    private long _commitCount;
    private long _lag;
    private long _coalescedReleased;
    private Exception? _failure;

    public ProcessorHost(
        KafkaOptions kafka,
        ProcessorOptions options,
        SinkOptions sink,
        IClickHouseConnection clickHouse,
        TimeProvider time,
        ILogger log,
        bool stopAtEnd = false)
    {
        _kafka = kafka.Validate();
        _options = options.Validate();
        _sinkOptions = sink.Validate();
        _clickHouse = clickHouse;
        _time = time;
        _log = log;
        _stopAtEnd = stopAtEnd;
    }

    /// <summary>The identity of the input: Kafka cluster id and topic; known once running.</summary>
    public string? Source { get; private set; }

    public PipelineStatus Status
    {
        get
        {
            var processors = _assigned.Values.ToList();
            long Sum(Func<PartitionCounters, long> f)
            {
                lock (_released)
                {
                    return f(_released) + processors.Sum(p => f(p.Counters));
                }
            }

            return new PipelineStatus(
                processors.Count,
                Sum(c => c.Messages),
                Sum(c => c.Valid),
                Sum(c => c.Invalid),
                Sum(c => c.TooLate),
                Sum(c => c.Duplicates),
                Sum(c => c.Orphans),
                processors.Sum(p => (long)p.ActiveSessions),
                Sum(c => c.WindowRows),
                Sum(c => c.Corrections),
                _sink is null ? 0 : Interlocked.Read(ref _sink.RowsWritten),
                _sink is null ? 0 : Interlocked.Read(ref _sink.Inserts),
                _sink is null ? 0 : Interlocked.Read(ref _sink.CheckpointsWritten),
                Interlocked.Read(ref _commitCount),
                _deadLetters?.Total ?? 0,
                Interlocked.Read(ref _lag),
                processors.Count == 0 ? long.MinValue : processors.Min(p => p.Watermark),
                _failure?.Message)
            {
                RowsByTable = _sink?.RowsByTable ?? new Dictionary<string, long>(),
                CoalescedRows = Interlocked.Read(ref _coalescedReleased) + _outputs.Values.Sum(o => o.CoalescedRows),
            };
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        await VerifySchemaAsync(ct);
        var clusterId = await KafkaClusterInfo.GetClusterIdAsync(_kafka, ct);
        Source = KafkaClusterInfo.InputIdentity(clusterId, _kafka.Topic);
        _log.LogInformation("Reading {Topic} (source {Source}) as group {Group}; writing to {ClickHouse} database {Database}.", _kafka.Topic, Source, _kafka.GroupId, _clickHouse.Description, _sinkOptions.Database);

        using var deadLetters = new DeadLetterProducer(_kafka, _options.InstanceId);
        _deadLetters = deadLetters;
        _store = new CheckpointStore(_clickHouse, _sinkOptions.Database, _kafka.GroupId, _time);
        _sink = new ClickHouseSink(_clickHouse, _store, deadLetters, _sinkOptions, Committable, _time, _log);
        _workers = Enumerable.Range(0, _options.Workers)
            .Select(i => new PartitionWorker(i, _options, _sink.Input.Writer, deadLetters, _time, capacity: 8))
            .ToArray();
        _batches = _workers.Select(_ => new List<ConsumeResult<byte[], byte[]>>()).ToArray();

        using var abort = new CancellationTokenSource();
        var sinkTask = Watch(Task.Run(() => _sink.RunAsync(abort.Token), CancellationToken.None), "ClickHouse writer");
        var workerTasks = _workers.Select(w => Watch(Task.Run(() => w.RunAsync(abort.Token), CancellationToken.None), $"worker {w.Index}")).ToArray();
        var consumerTask = Task.Factory.StartNew(() => ConsumeLoop(ct), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        try
        {
            await consumerTask;
        }
        catch (Exception ex) when (_failure is null)
        {
            _failure = ex;
        }

        if (_failure is null)
        {
            foreach (var w in _workers)
            {
                w.Input.Writer.TryComplete();
            }

            await Task.WhenAll(workerTasks);
            _sink.Input.Writer.TryComplete();
            await sinkTask;
        }
        else
        {
            await abort.CancelAsync();
            await Task.WhenAll(workerTasks.Append(sinkTask).Select(t => t.ContinueWith(_ => { }, TaskScheduler.Default)));
            throw new PipelineFailedException(_failure);
        }
    }

    private Task Watch(Task task, string what) => task.ContinueWith(
        t =>
        {
            if (t.IsFaulted)
            {
                Fail(new InvalidOperationException($"The {what} failed; stopping without committing further offsets: {t.Exception!.GetBaseException().Message}", t.Exception.GetBaseException()));
            }
        },
        TaskScheduler.Default);

    private async Task VerifySchemaAsync(CancellationToken ct)
    {
        var expected = QoeTables.FactTables(_options)
            .Append(QoeTables.Sessions).Append(QoeTables.LateEvents).Append(QoeTables.OrphanEvents).Append(QoeTables.Checkpoints)
            .ToList();
        var sql = $"SELECT name FROM system.tables WHERE database = '{_sinkOptions.Database}'";
        var present = Encoding.UTF8.GetString(await _clickHouse.QueryAsync(sql, "TabSeparated", ct))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .ToHashSet(StringComparer.Ordinal);
        var missing = expected.Where(t => !present.Contains(t)).ToList();
        if (missing.Count > 0)
        {
            throw new PipelineFailedException(new InvalidOperationException(
                $"ClickHouse database {_sinkOptions.Database} lacks {string.Join(", ", missing)}. "
                + "Run the migrations (analytics migrate), or choose windows that have tables (10s and 1m do)."));
        }
    }

    private void Committable(PartitionId partition, long nextOffset)
        => _commits.Enqueue(new TopicPartitionOffset(_kafka.Topic, partition.Partition, nextOffset));

    private PartitionWorker WorkerFor(int partition) => _workers[partition % _workers.Length];

    private void ConsumeLoop(CancellationToken ct)
    {
        LibRdKafka.EnsureLoaded();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(_kafka.ToConsumerConfig())
            .SetPartitionsAssignedHandler((c, partitions) => Guarded("assigning partitions", () => OnAssigned(partitions, ct), () => partitions.Select(p => new TopicPartitionOffset(p, Offset.Unset)).ToList()))
            .SetPartitionsRevokedHandler((c, partitions) => Guarded("revoking partitions", () => OnRevoked(c, partitions)))
            .SetPartitionsLostHandler((c, partitions) => Guarded("losing partitions", () => OnLost(partitions)))
            .SetErrorHandler((_, e) => _log.Log(e.IsFatal ? LogLevel.Error : LogLevel.Warning, "Kafka: {Reason} ({Code}).", e.Reason, e.Code))
            .SetLogHandler((_, m) => _log.LogDebug("librdkafka {Facility}: {Message}", m.Facility, m.Message))
            .Build();
        consumer.Subscribe(_kafka.Topic);

        var lastTick = _time.GetTimestamp();
        var lastCheckpoint = _time.GetTimestamp();
        var lastFlush = _time.GetTimestamp();
        var lastDuties = _time.GetTimestamp();
        var stopping = false;
        while (!stopping && _failure is null)
        {
            Commit(consumer);
            ConsumeResult<byte[], byte[]>? result;
            try
            {
                result = consumer.Consume(_batched == 0 ? TimeSpan.FromMilliseconds(100) : TimeSpan.Zero);
            }
            catch (ConsumeException ex) when (!ex.Error.IsFatal)
            {
                _log.LogWarning("Kafka consume error: {Reason}.", ex.Error.Reason);
                continue;
            }

            var now = _time.GetTimestamp();
            if (result is { IsPartitionEOF: false, Message: not null })
            {
                _batches[result.Partition.Value % _workers.Length].Add(result);
                _lastMessageAt[result.Partition.Value] = now;
                if (++_batched >= 1000)
                {
                    SendBatches();
                }

                // While catching up the queue is never empty: the periodic duties below must still run.
                if (_time.GetElapsedTime(lastDuties, now) < DutyInterval)
                {
                    continue;
                }
            }

            lastDuties = now;
            SendBatches();
            if (_time.GetElapsedTime(lastFlush, now) >= _sinkOptions.FlushInterval)
            {
                lastFlush = now;
                foreach (var w in _workers)
                {
                    Send(w, new FlushRowsItem());
                }
            }

            if (_time.GetElapsedTime(lastTick, now) >= TimeSpan.FromSeconds(1))
            {
                lastTick = now;
                AdvanceIdlePartitions();
                UpdateLag(consumer);
            }

            // With the queue empty, a bounded run checks for the end (cheap until the end is near).
            if (_stopAtEnd && result is null && ReachedEnd(consumer))
            {
                stopping = true;
                Interlocked.Exchange(ref _lag, 0);
            }

            if (_time.GetElapsedTime(lastCheckpoint, now) >= _options.CheckpointInterval)
            {
                lastCheckpoint = now;
                foreach (var p in _assigned.Keys)
                {
                    Send(WorkerFor(p), new CheckpointRequest(p, Release: false, Done: null));
                }
            }

            stopping |= ct.IsCancellationRequested;
        }

        if (_failure is not null)
        {
            // Nothing more can be made durable: leave without committing, the next owner replays.
            consumer.Close();
            return;
        }

        if (_stopAtEnd)
        {
            foreach (var p in _assigned.Keys)
            {
                Send(WorkerFor(p), new FinishItem(p));
            }
        }

        Handover(consumer, _assigned.Keys.ToList(), "shutdown");
        consumer.Close();
        _log.LogInformation("Stopped: every partition checkpointed and its offset committed.");
    }

    /// <summary>
    /// Runs a rebalance handler. An exception must not reach Confluent.Kafka: it would answer with an
    /// eager Unassign, which the cooperative protocol rejects from inside librdkafka's callback, and the
    /// process would die. The failure stops the consumer loop instead.
    /// </summary>
    private T Guarded<T>(string what, Func<T> handler, Func<T> fallback)
    {
        try
        {
            return handler();
        }
        catch (Exception ex)
        {
            Fail(new InvalidOperationException($"Failed while {what}: {ex.Message}", ex));
            return fallback();
        }
    }

    private void Guarded(string what, Action handler) => Guarded(
        what,
        () =>
        {
            handler();
            return 0;
        },
        () => 0);

    private void Fail(Exception ex)
    {
        if (_failure is null)
        {
            _failure = ex;
            _log.LogError(ex, "{Message}", ex.Message);
            _failed.TrySetResult();
        }
    }

    private IEnumerable<TopicPartitionOffset> OnAssigned(List<TopicPartition> partitions, CancellationToken ct)
    {
        var result = new List<TopicPartitionOffset>();
        foreach (var tp in partitions)
        {
            var id = new PartitionId(Source!, tp.Partition.Value);
            var stored = _store!.LoadAsync(id, ct).GetAwaiter().GetResult();
            var output = new PartitionOutput(_options, _kafka.Topic);
            var processor = stored is null
                ? new PartitionProcessor(id, _options, output)
                : PartitionCheckpoint.Restore(stored.Data, id, _options, output);
            _assigned[tp.Partition.Value] = processor;
            _outputs[tp.Partition.Value] = output;
            _lastMessageAt[tp.Partition.Value] = _time.GetTimestamp();
            Send(WorkerFor(tp.Partition.Value), new AssignItem(processor, output));
            _log.LogInformation(
                "Assigned {Partition}: {From}.",
                id,
                stored is null ? "no checkpoint, starting at the committed offset" : string.Create(CultureInfo.InvariantCulture, $"checkpoint {stored.Id} at offset {stored.NextOffset}, {processor.ActiveSessions} open sessions"));
            result.Add(new TopicPartitionOffset(tp, stored is null ? Offset.Unset : new Offset(stored.NextOffset)));
        }

        return result;
    }

    private void OnRevoked(IConsumer<byte[], byte[]> consumer, List<TopicPartitionOffset> partitions)
        => Handover(consumer, partitions.Select(p => p.Partition.Value).ToList(), "rebalance");

    private void OnLost(List<TopicPartitionOffset> partitions)
    {
        foreach (var tp in partitions)
        {
            var p = tp.Partition.Value;
            _log.LogWarning("Lost partition {Partition}; its state is dropped and its new owner resumes from the last checkpoint.", p);
            if (Release(p))
            {
                Send(WorkerFor(p), new DropItem(p));
            }
        }
    }

    /// <summary>Checkpoints and releases partitions, then commits their offsets: used when they are revoked and at shutdown.</summary>
    private void Handover(IConsumer<byte[], byte[]> consumer, List<int> partitions, string why)
    {
        SendBatches();
        var done = new List<Task>();
        foreach (var p in partitions)
        {
            if (!_assigned.ContainsKey(p))
            {
                continue;
            }

            var tcs = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Send(WorkerFor(p), new CheckpointRequest(p, Release: true, tcs));
            done.Add(tcs.Task);
        }

        var all = Task.WhenAll(done);
        var finished = Task.WhenAny(all, _failed.Task, Task.Delay(HandoverTimeout, _time)).GetAwaiter().GetResult();
        if (finished != all)
        {
            _log.LogError("Could not checkpoint {Count} partitions for {Why} within {Timeout}; their offsets stay where they were.", done.Count, why, HandoverTimeout);
        }

        Commit(consumer);
        foreach (var p in partitions)
        {
            Release(p);
        }
    }

    /// <summary>Forgets a partition, keeping its counts in the totals.</summary>
    private bool Release(int partition)
    {
        if (!_assigned.TryRemove(partition, out var processor))
        {
            return false;
        }

        if (_outputs.TryRemove(partition, out var output))
        {
            Interlocked.Add(ref _coalescedReleased, output.CoalescedRows);
        }

        lock (_released)
        {
            _released.Add(processor.Counters);
        }

        return true;
    }

    private void Commit(IConsumer<byte[], byte[]> consumer)
    {
        if (_commits.IsEmpty)
        {
            return;
        }

        var latest = new Dictionary<int, TopicPartitionOffset>();
        while (_commits.TryDequeue(out var tpo))
        {
            latest[tpo.Partition.Value] = tpo;
        }

        try
        {
            consumer.Commit(latest.Values);
            Interlocked.Add(ref _commitCount, latest.Count);
        }
        catch (KafkaException ex)
        {
            // The checkpoints are stored: a later commit, or the next owner reading them, covers this.
            _log.LogWarning("Committing offsets failed ({Reason}); the next checkpoint commits again.", ex.Error.Reason);
        }
    }

    private void SendBatches()
    {
        if (_batched == 0)
        {
            return;
        }

        for (var i = 0; i < _workers.Length; i++)
        {
            if (_batches[i].Count > 0)
            {
                Send(_workers[i], new MessagesItem(_batches[i]));
                _batches[i] = [];
            }
        }

        _batched = 0;
    }

    /// <summary>Blocks the consumer thread while the worker is full: this is the backpressure.</summary>
    private void Send(PartitionWorker worker, WorkItem item)
    {
        var write = worker.Input.Writer.WriteAsync(item);
        if (!write.IsCompleted)
        {
            Task.WhenAny(write.AsTask(), _failed.Task).GetAwaiter().GetResult();
        }
    }

    /// <summary>A partition without messages for the idle timeout follows the slowest active partition instead of holding windows open.</summary>
    private void AdvanceIdlePartitions()
    {
        var idle = new List<int>();
        long activeMin = long.MaxValue;
        foreach (var (p, processor) in _assigned)
        {
            if (_time.GetElapsedTime(_lastMessageAt.GetValueOrDefault(p)) >= _options.IdleTimeout)
            {
                idle.Add(p);
            }
            else
            {
                activeMin = Math.Min(activeMin, processor.Watermark);
            }
        }

        if (activeMin is long.MaxValue or long.MinValue)
        {
            return;
        }

        foreach (var p in idle)
        {
            if (_assigned.TryGetValue(p, out var processor) && processor.Watermark < activeMin)
            {
                Send(WorkerFor(p), new WatermarkItem(p, activeMin));
            }
        }
    }

    private void UpdateLag(IConsumer<byte[], byte[]> consumer)
    {
        long lag = 0;
        foreach (var (p, processor) in _assigned)
        {
            var marks = consumer.GetWatermarkOffsets(new TopicPartition(_kafka.Topic, p));
            if (marks.High != Offset.Unset)
            {
                lag += Math.Max(0, marks.High.Value - processor.NextOffset);
            }
        }

        Interlocked.Exchange(ref _lag, lag);
    }

    private bool ReachedEnd(IConsumer<byte[], byte[]> consumer)
    {
        if (_assigned.IsEmpty)
        {
            return false;
        }

        var unknown = _assigned.Keys.Where(p => !_endOffsets.ContainsKey(p)).ToList();
        if (unknown.Count > 0)
        {
            // The end as first seen, one round trip each: in parallel, as 40 in a row took 10 s on the mock.
            var ends = unknown.AsParallel().WithDegreeOfParallelism(Math.Min(16, unknown.Count))
                .Select(p => (p, End: consumer.QueryWatermarkOffsets(new TopicPartition(_kafka.Topic, p), TimeSpan.FromSeconds(10)).High.Value))
                .ToList();
            foreach (var (p, end) in ends)
            {
                _endOffsets[p] = end;
            }
        }

        return _assigned.All(a => a.Value.NextOffset >= _endOffsets[a.Key]);
    }
}
