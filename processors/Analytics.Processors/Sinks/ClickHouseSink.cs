using System.Collections.Concurrent;
using System.Threading.Channels;
using Analytics.Common;
using Analytics.Ingest.DeadLetters;
using Analytics.Processors.Checkpoints;
using Analytics.Processors.ClickHouse;
using Analytics.Processors.Health;
using Analytics.Processors.Pipeline;
using Analytics.Processors.Progress;
using Microsoft.Extensions.Logging;

namespace Analytics.Processors.Sinks;

/// <summary>What the sink is asked to do, in order.</summary>
internal abstract record SinkItem;

internal sealed record RowsItem(RowBatch Batch) : SinkItem;

/// <summary>Make a partition's state durable, then let its offset be committed.</summary>
internal sealed record CheckpointItem(PartitionId Partition, long NextOffset, long Watermark, byte[] State, TaskCompletionSource? Done) : SinkItem;

internal sealed record FlushItem(TaskCompletionSource Done) : SinkItem;

/// <summary>A partition's windows closed or became final: recorded after the rows before it are durable.</summary>
internal sealed record ProgressItem(PartitionId Partition, WindowProgress Progress) : SinkItem;

/// <summary>
/// The single writer to ClickHouse. Rows are batched per table and inserted when enough are pending,
/// or after the flush interval. A checkpoint first flushes every row and dead letter received before
/// it, then stores the state, and only then reports the offset as committable: so a committed offset
/// never has anything derived from it that is not durable. Window progress is recorded after the
/// rows of each flush, so whoever reads a window as final reads all of its rows.
/// </summary>
internal sealed class ClickHouseSink
{
    private readonly IClickHouseConnection _connection;
    private readonly CheckpointStore _checkpoints;
    private readonly ProgressStore _progress;
    private readonly Dictionary<PartitionId, WindowProgress> _pendingProgress = [];
    private readonly DeadLetterProducer _deadLetters;
    private readonly SinkOptions _options;
    private readonly Action<PartitionId, long> _committable;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly Dictionary<string, List<RowBatch>> _pending = [];
    private readonly List<CheckpointItem> _checkpointQueue = [];
    private readonly ConcurrentDictionary<string, long> _rowsByTable = new();
    private int _pendingRows;
    private long _pendingBytes;
    private long _oldestPending = -1;

    public ClickHouseSink(
        IClickHouseConnection connection,
        CheckpointStore checkpoints,
        ProgressStore progress,
        DeadLetterProducer deadLetters,
        SinkOptions options,
        Action<PartitionId, long> committable,
        TimeProvider time,
        ILogger log)
    {
        _connection = connection;
        _checkpoints = checkpoints;
        _progress = progress;
        _deadLetters = deadLetters;
        _options = options;
        _committable = committable;
        _time = time;
        _log = log;
        Input = Channel.CreateBounded<SinkItem>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    public Channel<SinkItem> Input { get; }

    public long RowsWritten;

    /// <summary>Rows inserted so far, by table.</summary>
    public IReadOnlyDictionary<string, long> RowsByTable => new Dictionary<string, long>(_rowsByTable);
    public long Inserts;
    public long CheckpointsWritten;
    public long CheckpointBytes;
    public long ProgressWrites;

    /// <summary>Told of each checkpoint and the duration of each insert, for <c>pipeline_health</c>.</summary>
    public DurabilityClock? Durability { get; init; }

    public async Task RunAsync(CancellationToken ct)
    {
        var reader = Input.Reader;
        while (true)
        {
            SinkItem? item;
            if (_pendingRows == 0 && _pendingProgress.Count == 0)
            {
                if (!await reader.WaitToReadAsync(ct))
                {
                    break;
                }
            }
            else
            {
                var waitMs = _options.FlushInterval.TotalMilliseconds - _time.GetElapsedTime(_oldestPending).TotalMilliseconds;
                if (waitMs <= 0)
                {
                    await FlushAsync(ct);
                    continue;
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
                timeout.CancelAfter(TimeSpan.FromMilliseconds(waitMs));
                try
                {
                    if (!await reader.WaitToReadAsync(timeout.Token))
                    {
                        break;
                    }
                }
                catch (OperationCanceledException) when (!ct.IsCancellationRequested)
                {
                    await FlushAsync(ct);
                    continue;
                }
            }

            // At most a queue's worth per round, so queued checkpoints wait for no more than that.
            for (var n = 0; n < _options.QueueCapacity && reader.TryRead(out item); n++)
            {
                await HandleAsync(item, ct);
            }

            await SaveCheckpointsAsync(ct);
        }

        await SaveCheckpointsAsync(ct);
        await FlushAsync(ct);
    }

    private async Task HandleAsync(SinkItem item, CancellationToken ct)
    {
        switch (item)
        {
            case RowsItem rows:
                if (!_pending.TryGetValue(rows.Batch.Table, out var list))
                {
                    _pending[rows.Batch.Table] = list = [];
                }

                list.Add(rows.Batch);
                if (_pendingRows == 0 && _pendingProgress.Count == 0)
                {
                    _oldestPending = _time.GetTimestamp();
                }

                _pendingRows += rows.Batch.Rows;
                _pendingBytes += rows.Batch.Data.Length;
                if (_pendingRows >= _options.MaxBatchRows || _pendingBytes >= _options.MaxBatchBytes)
                {
                    await FlushAsync(ct);
                }

                break;

            case CheckpointItem checkpoint:
                // Saved with the others queued behind it, after the rows before it: one flush and one insert for all.
                _checkpointQueue.Add(checkpoint);
                break;

            case ProgressItem progress:
                if (_pendingRows == 0 && _pendingProgress.Count == 0)
                {
                    _oldestPending = _time.GetTimestamp();
                }

                _pendingProgress[progress.Partition] = progress.Progress;
                break;

            case FlushItem flush:
                await SaveCheckpointsAsync(ct);
                await FlushAsync(ct);
                flush.Done.TrySetResult();
                break;
        }
    }

    /// <summary>
    /// Makes the queued checkpoints durable: first every row and dead letter received before them, then
    /// their states in one insert; only then are their offsets committable.
    /// </summary>
    private async Task SaveCheckpointsAsync(CancellationToken ct)
    {
        if (_checkpointQueue.Count == 0)
        {
            return;
        }

        await FlushAsync(ct);
        await _deadLetters.FlushAsync(ct);
        var states = _checkpointQueue.Select(c => new CheckpointToSave(c.Partition, c.NextOffset, c.Watermark, c.State)).ToList();
        await WithRetriesAsync($"checkpoint of {states.Count} partition(s)", () => _checkpoints.SaveAsync(states, ct), ct);
        foreach (var checkpoint in _checkpointQueue)
        {
            Interlocked.Increment(ref CheckpointsWritten);
            Interlocked.Add(ref CheckpointBytes, checkpoint.State.Length);
            Durability?.Checkpointed(checkpoint.Partition.Partition);
            _committable(checkpoint.Partition, checkpoint.NextOffset);
            checkpoint.Done?.TrySetResult();
        }

        _checkpointQueue.Clear();
    }

    private async Task FlushAsync(CancellationToken ct)
    {
        await FlushRowsAsync(ct);
        if (_pendingProgress.Count > 0)
        {
            var progress = _pendingProgress.Select(p => new PartitionProgress(p.Key, p.Value)).ToList();
            await WithRetriesAsync($"progress of {progress.Count} partition(s)", () => _progress.SaveAsync(progress, ct), ct);
            _pendingProgress.Clear();
            Interlocked.Increment(ref ProgressWrites);
        }
    }

    private async Task FlushRowsAsync(CancellationToken ct)
    {
        if (_pendingRows == 0)
        {
            return;
        }

        foreach (var (table, batches) in _pending)
        {
            if (batches.Count == 0)
            {
                continue;
            }

            var data = RowBatch.InsertBody(batches);
            var rows = batches.Sum(b => b.Rows);
            var started = _time.GetTimestamp();
            await WithRetriesAsync($"insert of {rows} rows into {table}", () => _connection.InsertAsync($"{_options.Database}.{table}", RowBinary.RowLayout.Format, data, ct), ct);
            Durability?.Inserted(_time.GetElapsedTime(started));
            Interlocked.Add(ref RowsWritten, rows);
            _rowsByTable.AddOrUpdate(table, rows, (_, n) => n + rows);
            Interlocked.Increment(ref Inserts);
            batches.Clear();
        }

        _pendingRows = 0;
        _pendingBytes = 0;
    }

    private async Task WithRetriesAsync(string what, Func<Task> action, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await action();
                return;
            }
            catch (AnalyticsException ex) when (ex.IsTransient && attempt < _options.MaxAttempts)
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(30_000, 200 * Math.Pow(2, attempt - 1)));
                _log.LogWarning(ex, "The {What} failed (attempt {Attempt} of {Max}); retrying in {Delay}.", what, attempt, _options.MaxAttempts, delay);
                await Task.Delay(delay, _time, ct);
            }
        }
    }
}
