using System.Runtime.InteropServices;
using Analytics.Ingest.Kafka;
using Confluent.Kafka;

namespace Analytics.Ingest.Simulator;

/// <summary>
/// Sends simulated traffic to a Kafka topic. Produce calls never drop a message: when the
/// client's local queue is full the sink waits for deliveries to free room and retries. A failed
/// delivery is reported by the next <see cref="SendAsync"/> or <see cref="FlushAsync"/>.
/// </summary>
internal sealed class KafkaTrafficSink : ITrafficSink, IDisposable
{
    /// <summary>How long to wait for delivery reports to free the local queue before retrying.</summary>
    public static readonly TimeSpan QueueFullBackoff = TimeSpan.FromMilliseconds(20);

    private readonly IProducer<byte[], byte[]> _producer;
    private readonly string _topic;
    private readonly TimeProvider _time;
    private readonly bool _ownsProducer;
    private readonly Action<DeliveryReport<byte[], byte[]>> _onDelivery;
    private long _delivered;
    private long _failed;
    private long _queueFullRetries;
    private Error? _firstError;

    public KafkaTrafficSink(IProducer<byte[], byte[]> producer, string topic, TimeProvider? time = null, bool ownsProducer = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(topic);
        _producer = producer;
        _topic = topic;
        _time = time ?? TimeProvider.System;
        _ownsProducer = ownsProducer;
        _onDelivery = OnDelivery;
    }

    public string Topic => _topic;

    public long Delivered => Interlocked.Read(ref _delivered);

    public long Failed => Interlocked.Read(ref _failed);

    /// <summary>How often a send found the local queue full and waited.</summary>
    public long QueueFullRetries => Interlocked.Read(ref _queueFullRetries);

    /// <summary>
    /// A sink with its own producer: acks from all in-sync replicas and idempotence, so broker
    /// retries neither lose nor duplicate simulated beacons. <paramref name="config"/> overrides
    /// any librdkafka property.
    /// </summary>
    public static KafkaTrafficSink Create(string bootstrapServers, string topic, TimeProvider? time = null, IEnumerable<KeyValuePair<string, string>>? config = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(bootstrapServers);
        LibRdKafka.EnsureLoaded();
        var producerConfig = new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            ClientId = "analytics-simulator",
            Acks = Acks.All,
            EnableIdempotence = true,
            LingerMs = 10,
            BatchNumMessages = 10_000,
            QueueBufferingMaxMessages = 200_000,
        };
        foreach (var (key, value) in config ?? [])
        {
            producerConfig.Set(key, value);
        }

        var producer = new ProducerBuilder<byte[], byte[]>(producerConfig).Build();
        return new KafkaTrafficSink(producer, topic, time, ownsProducer: true);
    }

    public ValueTask SendAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken ct)
    {
        ThrowIfFailed();
        var message = new Message<byte[], byte[]> { Key = AsArray(key), Value = AsArray(value) };
        return TryProduce(message) ? ValueTask.CompletedTask : RetryAsync(message, ct);
    }

    public async ValueTask FlushAsync(CancellationToken ct)
    {
        // Flush blocks; run it off the caller's thread. It throws OperationCanceledException on ct.
        await Task.Run(() => _producer.Flush(ct), ct);
        ThrowIfFailed();
    }

    public void Dispose()
    {
        if (_ownsProducer)
        {
            _producer.Dispose();
        }
    }

    private async ValueTask RetryAsync(Message<byte[], byte[]> message, CancellationToken ct)
    {
        do
        {
            Interlocked.Increment(ref _queueFullRetries);

            // The producer's background thread serves delivery reports, which frees queue room.
            await Task.Delay(QueueFullBackoff, _time, ct);
            ThrowIfFailed();
        }
        while (!TryProduce(message));
    }

    private bool TryProduce(Message<byte[], byte[]> message)
    {
        try
        {
            _producer.Produce(_topic, message, _onDelivery);
            return true;
        }
        catch (ProduceException<byte[], byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
        {
            return false;
        }
        catch (ProduceException<byte[], byte[]> ex)
        {
            throw new KafkaException(
                $"Could not queue a simulated beacon for topic '{_topic}': {ex.Error.Reason} ({ex.Error.Code}). Check the producer configuration and that the topic exists.",
                isTransient: !ex.Error.IsFatal,
                ex);
        }
    }

    private void OnDelivery(DeliveryReport<byte[], byte[]> report)
    {
        if (report.Error.IsError)
        {
            Interlocked.CompareExchange(ref _firstError, report.Error, null);
            Interlocked.Increment(ref _failed);
        }
        else
        {
            Interlocked.Increment(ref _delivered);
        }
    }

    private void ThrowIfFailed()
    {
        var failed = Interlocked.Read(ref _failed);
        if (failed > 0 && Volatile.Read(ref _firstError) is { } error)
        {
            throw new KafkaException(
                $"{failed} simulated beacon(s) could not be delivered to topic '{_topic}'; the first error was {error.Reason} ({error.Code}). "
                + "Check that the brokers are reachable and the topic exists, then run the simulation again.",
                isTransient: !error.IsFatal);
        }
    }

    private static byte[] AsArray(ReadOnlyMemory<byte> memory)
        => MemoryMarshal.TryGetArray(memory, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : memory.ToArray();
}
