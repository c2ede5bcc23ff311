using Analytics.Ingest.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace Analytics.Processors.Pipeline;

/// <summary>
/// The consumer thread: reads Kafka, gathers messages into per-worker batches, and between reads
/// runs the periodic duties (hand-off of rows, idle partitions, lag, checkpoints, commits), also
/// while a backlog keeps the queue full.
/// </summary>
internal sealed class ConsumerLoop
{
    // How often the loop looks up from a busy queue to flush, tick and checkpoint.
    private static readonly TimeSpan DutyInterval = TimeSpan.FromMilliseconds(100);

    // A partition's first checkpoint comes this soon after its assignment (or at the interval, if
    // shorter), so a processor restarting in a crash loop still moves its offsets forward.
    private static readonly TimeSpan FirstCheckpointAfter = TimeSpan.FromSeconds(1);
    private readonly KafkaOptions _kafka;
    private readonly ProcessorOptions _options;
    private readonly TimeSpan _flushInterval;
    private readonly WorkerPool _workers;
    private readonly PartitionAssignments _assignments;
    private readonly OffsetCommitter _committer;
    private readonly IdlePartitions _idle;
    private readonly InputEnd _end;
    private readonly PipelineFailure _failure;
    private readonly TimeProvider _time;
    private readonly ILogger _log;

    public ConsumerLoop(
        KafkaOptions kafka,
        ProcessorOptions options,
        TimeSpan flushInterval,
        WorkerPool workers,
        PartitionAssignments assignments,
        OffsetCommitter committer,
        IdlePartitions idle,
        InputEnd end,
        PipelineFailure failure,
        TimeProvider time,
        ILogger log)
    {
        _kafka = kafka;
        _options = options;
        _flushInterval = flushInterval;
        _workers = workers;
        _assignments = assignments;
        _committer = committer;
        _idle = idle;
        _end = end;
        _failure = failure;
        _time = time;
        _log = log;
    }

    /// <summary>Consumes until cancelled, failed, or (with <paramref name="stopAtEnd"/>) at the end of the input.</summary>
    public void Run(bool stopAtEnd, CancellationToken ct)
    {
        LibRdKafka.EnsureLoaded();
        using var consumer = new ConsumerBuilder<byte[], byte[]>(_kafka.ToConsumerConfig())
            .SetPartitionsAssignedHandler((c, partitions) => _failure.Guarded("assigning partitions", () => _assignments.OnAssigned(partitions, ct), () => partitions.Select(p => new TopicPartitionOffset(p, Offset.Unset)).ToList()))
            .SetPartitionsRevokedHandler((c, partitions) => _failure.Guarded("revoking partitions", () => _assignments.OnRevoked(c, partitions)))
            .SetPartitionsLostHandler((c, partitions) => _failure.Guarded("losing partitions", () => _assignments.OnLost(partitions)))
            .SetErrorHandler((_, e) => _log.Log(e.IsFatal ? LogLevel.Error : LogLevel.Warning, "Kafka: {Reason} ({Code}).", e.Reason, e.Code))
            .SetLogHandler((_, m) => _log.LogDebug("librdkafka {Facility}: {Message}", m.Facility, m.Message))
            .Build();
        consumer.Subscribe(_kafka.Topic);

        var lastTick = _time.GetTimestamp();
        var checkpoints = new CheckpointSchedule(_options.CheckpointInterval, FirstCheckpointAfter, _time);
        var lost = new LostOffsets(_log);
        var lastFlush = lastTick;
        var lastDuties = lastTick;
        var stopping = false;
        while (!stopping && _failure.Exception is null)
        {
            _committer.Commit(consumer);
            ConsumeResult<byte[], byte[]>? result;
            try
            {
                result = consumer.Consume(_workers.Batched == 0 ? TimeSpan.FromMilliseconds(100) : TimeSpan.Zero);
            }
            catch (ConsumeException ex) when (!ex.Error.IsFatal)
            {
                _log.LogWarning("Kafka consume error: {Reason}.", ex.Error.Reason);
                continue;
            }

            var now = _time.GetTimestamp();
            if (result is { IsPartitionEOF: false, Message: not null })
            {
                _idle.Seen(result.Partition.Value, now);
                if (_workers.Add(result) >= 1000)
                {
                    _workers.SendBatches();
                }

                // While catching up the queue is never empty: the periodic duties below must still run.
                if (_time.GetElapsedTime(lastDuties, now) < DutyInterval)
                {
                    continue;
                }
            }

            lastDuties = now;
            _workers.SendBatches();
            if (_time.GetElapsedTime(lastFlush, now) >= _flushInterval)
            {
                lastFlush = now;
                _workers.SendAll(() => new FlushRowsItem());
            }

            if (_time.GetElapsedTime(lastTick, now) >= TimeSpan.FromSeconds(1))
            {
                lastTick = now;
                foreach (var (p, watermark) in _idle.Advances(_assignments.Processors))
                {
                    _workers.Send(p, new WatermarkItem(p, watermark));
                }

                _end.UpdateLag(consumer, _assignments.Processors);
                lost.Check(_assignments.Processors);
            }

            // With the queue empty, a bounded run checks for the end (cheap until the end is near).
            if (stopAtEnd && result is null && _end.Reached(consumer, _assignments.Processors.ToList()))
            {
                stopping = true;
            }

            foreach (var p in checkpoints.Due(_assignments.Partitions, now))
            {
                _workers.Send(p, new CheckpointRequest(p, Release: false, Done: null));
            }

            stopping |= ct.IsCancellationRequested;
        }

        if (_failure.Exception is not null)
        {
            // Nothing more can be made durable: leave without committing, the next owner replays.
            consumer.Close();
            return;
        }

        if (stopAtEnd)
        {
            foreach (var p in _assignments.Partitions)
            {
                _workers.Send(p, new FinishItem(p));
            }
        }

        _assignments.Handover(consumer, _assignments.Partitions.ToList(), "shutdown");
        consumer.Close();
        _log.LogInformation("Stopped: every partition checkpointed and its offset committed.");
    }
}
