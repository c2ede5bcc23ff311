using System.Threading.Channels;
using Analytics.Ingest.DeadLetters;
using Analytics.Processors.Checkpoints;
using Analytics.Processors.Sinks;
using Confluent.Kafka;

namespace Analytics.Processors.Pipeline;

/// <summary>What a worker is asked to do, in order.</summary>
internal abstract record WorkItem;

internal sealed record MessagesItem(List<ConsumeResult<byte[], byte[]>> Messages) : WorkItem;

internal sealed record AssignItem(PartitionProcessor Processor, PartitionOutput Output) : WorkItem;

/// <summary>Checkpoint a partition; with <paramref name="Release"/>, also forget it (revoked, or shutting down).</summary>
internal sealed record CheckpointRequest(int Partition, bool Release, TaskCompletionSource? Done) : WorkItem;

/// <summary>Forget a partition without checkpointing: it was lost, and another consumer may already own it.</summary>
internal sealed record DropItem(int Partition) : WorkItem;

internal sealed record WatermarkItem(int Partition, long Watermark) : WorkItem;

internal sealed record FinishItem(int Partition) : WorkItem;

/// <summary>Hand every buffered row to the sink (the freshness tick).</summary>
internal sealed record FlushRowsItem : WorkItem;

/// <summary>
/// One processing thread. It owns some partitions (partition number modulo the worker count) and
/// processes their messages in offset order. Its input is bounded, so when it falls behind the
/// consumer thread blocks and Kafka fetching stops: backpressure reaches the broker.
/// </summary>
internal sealed class PartitionWorker
{
    private const int EagerFlushBytes = 256 * 1024;

    // Fired windows wait at most this long in a partition's buffer: the sink batches them anyway.
    private static readonly TimeSpan HandOffEvery = TimeSpan.FromMilliseconds(100);
    private readonly ProcessorOptions _options;
    private readonly TimeProvider _time;
    private readonly ChannelWriter<SinkItem> _sink;
    private readonly DeadLetterProducer _deadLetters;
    private readonly Dictionary<int, (PartitionProcessor Processor, PartitionOutput Output)> _partitions = [];
    private readonly Lock _gate = new();
    private long _lastHandOff;

    public PartitionWorker(int index, ProcessorOptions options, ChannelWriter<SinkItem> sink, DeadLetterProducer deadLetters, TimeProvider time, int capacity)
    {
        _time = time;
        _lastHandOff = time.GetTimestamp();
        Index = index;
        _options = options;
        _sink = sink;
        _deadLetters = deadLetters;
        Input = Channel.CreateBounded<WorkItem>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public int Index { get; }

    public Channel<WorkItem> Input { get; }

    /// <summary>The processors this worker owns, for status views; read under a lock because assignment changes it.</summary>
    public List<PartitionProcessor> Processors()
    {
        lock (_gate)
        {
            return _partitions.Values.Select(p => p.Processor).ToList();
        }
    }

    public async Task RunAsync(CancellationToken ct)
    {
        await foreach (var item in Input.Reader.ReadAllAsync(ct))
        {
            switch (item)
            {
                case MessagesItem batch:
                    await ProcessAsync(batch.Messages, ct);
                    break;
                case AssignItem assign:
                    lock (_gate)
                    {
                        _partitions[assign.Processor.Id.Partition] = (assign.Processor, assign.Output);
                    }

                    break;
                case CheckpointRequest request:
                    await CheckpointAsync(request, ct);
                    break;
                case DropItem drop:
                    lock (_gate)
                    {
                        _partitions.Remove(drop.Partition);
                    }

                    break;
                case WatermarkItem watermark when _partitions.TryGetValue(watermark.Partition, out var p):
                    p.Processor.AdvanceWatermark(watermark.Watermark);
                    await HandOffAsync(p.Processor.Id, p.Output, 0, ct);
                    break;
                case FinishItem finish when _partitions.TryGetValue(finish.Partition, out var p):
                    p.Processor.Finish();
                    await HandOffAsync(p.Processor.Id, p.Output, 0, ct);
                    break;
                case FlushRowsItem:
                    foreach (var (processor, output) in _partitions.Values)
                    {
                        await HandOffAsync(processor.Id, output, 0, ct);
                    }

                    break;
            }
        }
    }

    private async Task ProcessAsync(List<ConsumeResult<byte[], byte[]>> messages, CancellationToken ct)
    {
        PartitionProcessor? current = null;
        var currentPartition = -1;
        foreach (var m in messages)
        {
            var partition = m.Partition.Value;
            if (partition != currentPartition)
            {
                if (!_partitions.TryGetValue(partition, out var owned))
                {
                    // Not ours any more: it was revoked after this batch was read, and its new owner replays it.
                    currentPartition = -1;
                    continue;
                }

                current = owned.Processor;
                currentPartition = partition;
            }

            var ts = m.Message.Timestamp.Type == TimestampType.NotAvailable ? 0 : m.Message.Timestamp.UnixTimestampMs;
            current!.Process(m.Offset.Value, ts, m.Message.Key, m.Message.Value);
        }

        var now = _time.GetTimestamp();
        var minBytes = _time.GetElapsedTime(_lastHandOff, now) >= HandOffEvery ? 0 : EagerFlushBytes;
        if (minBytes == 0)
        {
            _lastHandOff = now;
        }

        foreach (var (processor, output) in _partitions.Values)
        {
            await HandOffAsync(processor.Id, output, minBytes, ct);
        }
    }

    private async Task CheckpointAsync(CheckpointRequest request, CancellationToken ct)
    {
        if (!_partitions.TryGetValue(request.Partition, out var p))
        {
            request.Done?.TrySetResult();
            return;
        }

        await HandOffAsync(p.Processor.Id, p.Output, 0, ct);
        var state = PartitionCheckpoint.Capture(p.Processor, _options);
        await _sink.WriteAsync(new CheckpointItem(p.Processor.Id, p.Processor.NextOffset, p.Processor.Watermark, state, request.Done), ct);
        if (request.Release)
        {
            lock (_gate)
            {
                _partitions.Remove(request.Partition);
            }
        }
    }

    /// <summary>Sends the partition's dead letters to Kafka, its buffered rows (tables over <paramref name="minBytes"/>) to the sink, and on a full hand-off its window progress.</summary>
    private async Task HandOffAsync(PartitionId partition, PartitionOutput output, int minBytes, CancellationToken ct)
    {
        if (output.DeadLetters.Count > 0)
        {
            foreach (var record in output.DeadLetters)
            {
                await _deadLetters.ProduceAsync(record, ct);
            }

            output.DeadLetters.Clear();
        }

        foreach (var batch in output.TakeBatches(minBytes))
        {
            await _sink.WriteAsync(new RowsItem(batch), ct);
        }

        // After the rows it covers, and only with every row of its windows handed off.
        if (minBytes == 0 && output.Progress is { } progress)
        {
            output.Progress = null;
            await _sink.WriteAsync(new ProgressItem(partition, progress), ct);
        }
    }
}
