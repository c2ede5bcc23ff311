using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using Analytics.Ingest.Kafka;
using Confluent.Kafka;

namespace Analytics.Ingest.DeadLetters;

/// <summary>
/// Writes rejected beacons to the dead-letter topic (acks=all, idempotent). Never drops one: a full
/// local queue makes <see cref="ProduceAsync"/> wait for room. The processor calls
/// <see cref="FlushAsync"/> before committing offsets, so no committed offset has an unacknowledged
/// dead letter behind it. Thread-safe.
/// </summary>
/// <remarks>
/// After a failed delivery the producer is faulted: <see cref="ProduceAsync"/> and every later
/// <see cref="FlushAsync"/> throw that failure. Dispose it and resume from the committed offsets.
/// </remarks>
internal sealed class DeadLetterProducer : IDisposable
{
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly string _processor;
    private readonly Lock _gate = new();
    private readonly SortedSet<long> _pending = [];
    private readonly List<(long Last, TaskCompletionSource Done)> _flushes = [];
    private readonly ConcurrentDictionary<string, StrongBox<long>> _counts = new(StringComparer.Ordinal);
    private TaskCompletionSource _progress = NewSignal();
    private long _nextSequence;
    private long _total;
    private long _queueFullWaits;
    private KafkaException? _failure;
    private bool _disposed;

    /// <param name="options">Where to write: <see cref="KafkaOptions.DeadLetterTopic"/> on its cluster.</param>
    /// <param name="processorId">Stamped on every dead letter as <c>dlq.processor</c>.</param>
    /// <param name="log">librdkafka's log lines; null keeps Confluent's default (stderr).</param>
    public DeadLetterProducer(KafkaOptions options, string processorId, Action<LogMessage>? log = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(processorId);
        options.Validate();
        LibRdKafka.EnsureLoaded();
        Topic = options.DeadLetterTopic;
        _processor = processorId;
        var builder = new ProducerBuilder<byte[], byte[]>(options.ToProducerConfig())
            .SetErrorHandler((_, error) =>
            {
                // Non-fatal errors are retried by librdkafka; a fatal one ends every delivery.
                if (error.IsFatal)
                {
                    Fail(KafkaErrors.ToException(error, $"keep producing dead letters to {Topic}"));
                }
            });
        if (log is not null)
        {
            builder.SetLogHandler((_, message) => log(message));
        }

        _producer = builder.Build();
    }

    public string Topic { get; }

    /// <summary>Dead letters handed to librdkafka so far, by reason code.</summary>
    public IReadOnlyDictionary<string, long> CountsByReason =>
        _counts.ToDictionary(kv => kv.Key, kv => Interlocked.Read(ref kv.Value.Value), StringComparer.Ordinal);

    public long Total => Interlocked.Read(ref _total);

    /// <summary>How often <see cref="ProduceAsync"/> had to wait for room in librdkafka's queue.</summary>
    public long QueueFullWaits => Interlocked.Read(ref _queueFullWaits);

    /// <summary>Dead letters produced but not yet acknowledged (or failed).</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>
    /// Hands the record to librdkafka. Completes at once unless its queue is full, then waits for
    /// deliveries to make room. Throws the failure if the producer is faulted.
    /// </summary>
    public async ValueTask ProduceAsync(DeadLetterRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        var message = new Message<byte[], byte[]>
        {
            Key = record.OriginalKey!,
            Value = record.OriginalValue,
            Headers = record.ToHeaders(_processor),
            Timestamp = record.SourceTimestamp is { } ts ? new Timestamp(ts) : default,
        };

        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ThrowIfFaulted();
            long sequence;
            Task progress;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                sequence = _nextSequence++;
                _pending.Add(sequence);
                progress = _progress.Task;
            }

            try
            {
                _producer.Produce(Topic, message, report => OnDelivery(sequence, report));
                break;
            }
            catch (ProduceException<byte[], byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                Settle(sequence, delivered: false);
                Interlocked.Increment(ref _queueFullWaits);
                // A full queue holds our messages, each of which ends in a delivery report.
                await progress.WaitAsync(cancellationToken);
            }
            catch (ProduceException<byte[], byte[]> e)
            {
                Settle(sequence, delivered: false);
                throw KafkaErrors.ToException(e.Error, $"produce a dead letter to {Topic}", e);
            }
            catch
            {
                Settle(sequence, delivered: false);
                throw;
            }
        }

        Interlocked.Increment(ref _counts.GetOrAdd(record.Reason, static _ => new StrongBox<long>()).Value);
        Interlocked.Increment(ref _total);
    }

    /// <summary>
    /// Completes when every dead letter produced before this call is acknowledged by the brokers;
    /// throws <see cref="KafkaException"/> if any delivery failed (now or earlier).
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken)
    {
        Task done;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var last = _nextSequence - 1;
            if (_pending.Count == 0 || _pending.Min > last)
            {
                done = Task.CompletedTask;
            }
            else
            {
                var signal = NewSignal();
                _flushes.Add((last, signal));
                done = signal.Task;
            }
        }

        await done.WaitAsync(cancellationToken);
        ThrowIfFaulted();
    }

    /// <summary>Does not wait for deliveries: call <see cref="FlushAsync"/> first.</summary>
    public void Dispose()
    {
        List<(long Last, TaskCompletionSource Done)> abandoned;
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            abandoned = [.. _flushes];
            _flushes.Clear();
        }

        foreach (var (_, done) in abandoned)
        {
            done.TrySetException(new KafkaException($"The dead-letter producer for {Topic} was disposed before its dead letters were acknowledged.", isTransient: true));
        }

        _producer.Dispose();
    }

    private void OnDelivery(long sequence, DeliveryReport<byte[], byte[]> report)
    {
        if (report.Error.IsError)
        {
            Fail(KafkaErrors.ToException(report.Error, $"deliver a dead letter to {Topic}"));
        }

        Settle(sequence, delivered: true);
    }

    /// <summary>Ends a sequence number; only a delivery report frees room in librdkafka's queue.</summary>
    private void Settle(long sequence, bool delivered)
    {
        TaskCompletionSource? progress = null;
        List<TaskCompletionSource>? finished = null;
        lock (_gate)
        {
            _pending.Remove(sequence);
            var firstPending = _pending.Count == 0 ? long.MaxValue : _pending.Min;
            for (var i = _flushes.Count - 1; i >= 0; i--)
            {
                if (_flushes[i].Last < firstPending)
                {
                    (finished ??= []).Add(_flushes[i].Done);
                    _flushes.RemoveAt(i);
                }
            }

            if (delivered)
            {
                progress = _progress;
                _progress = NewSignal();
            }
        }

        progress?.TrySetResult();
        finished?.ForEach(done => done.TrySetResult());
    }

    private void Fail(KafkaException failure) => Interlocked.CompareExchange(ref _failure, failure, null);

    private void ThrowIfFaulted()
    {
        if (Volatile.Read(ref _failure) is { } failure)
        {
            throw new KafkaException(
                $"{failure.Message} The dead-letter producer stopped; restart from the last committed offsets.",
                failure.IsTransient,
                failure);
        }
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}
