using System.Buffers.Text;
using Analytics.Ingest.Kafka;
using Analytics.Ingest.Simulator;
using Confluent.Kafka;

namespace Analytics.Benchmarks.Kafka;

/// <summary>A beacon sampled in the latency phase: when it was produced, its 10 s window and its partition.</summary>
internal readonly record struct BeaconSample(long ProducedMs, long WindowStartMs, int Partition);

/// <summary>
/// The simulator's live sink for the latency phase (producer settings of KafkaOptions). While
/// <see cref="Sampling"/> is on it records every <see cref="SampleEvery"/>-th beacon's produce time,
/// event-time window and, from its delivery report, its partition.
/// </summary>
internal sealed class RecordingTrafficSink : ITrafficSink, IDisposable
{
    public const int SampleEvery = 16;
    private static readonly TimeSpan QueueFullBackoff = TimeSpan.FromMilliseconds(5);
    private readonly IProducer<byte[], byte[]> _producer;
    private readonly string _topic;
    private readonly long _windowMs;
    private readonly List<BeaconSample> _samples = [];
    private readonly Action<DeliveryReport<byte[], byte[]>> _count;
    private long _sent;
    private long _failed;
    private string? _firstError;

    public RecordingTrafficSink(KafkaOptions kafka, TimeSpan window)
    {
        LibRdKafka.EnsureLoaded();
        _producer = new ProducerBuilder<byte[], byte[]>(kafka.ToProducerConfig()).Build();
        _topic = kafka.Topic;
        _windowMs = (long)window.TotalMilliseconds;
        _count = Count;
    }

    private volatile bool _sampling;

    public bool Sampling
    {
        get => _sampling;
        set => _sampling = value;
    }

    public long Sent => Interlocked.Read(ref _sent);

    /// <summary>Beacons whose timestamp could not be read, or whose delivery failed: reported, never ignored.</summary>
    public long Failed => Interlocked.Read(ref _failed);

    public string? FirstError => _firstError;

    public IReadOnlyList<BeaconSample> Samples()
    {
        lock (_samples)
        {
            return [.. _samples];
        }
    }

    public async ValueTask SendAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken ct)
    {
        var message = new Message<byte[], byte[]> { Key = key.ToArray(), Value = value.ToArray() };
        var handler = _count;
        if (Sampling && _sent % SampleEvery == 0)
        {
            if (EventTimeMs(message.Value) is { } ts)
            {
                var window = ts / _windowMs * _windowMs;
                var produced = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
                handler = report =>
                {
                    Count(report);
                    if (!report.Error.IsError)
                    {
                        lock (_samples)
                        {
                            _samples.Add(new BeaconSample(produced, window, report.Partition.Value));
                        }
                    }
                };
            }
            else
            {
                Fail("a simulated beacon without a readable \"ts\"");
            }
        }

        while (true)
        {
            try
            {
                _producer.Produce(_topic, message, handler);
                _sent++;
                return;
            }
            catch (ProduceException<byte[], byte[]> ex) when (ex.Error.Code == ErrorCode.Local_QueueFull)
            {
                await Task.Delay(QueueFullBackoff, ct);
            }
        }
    }

    public ValueTask FlushAsync(CancellationToken ct)
    {
        _producer.Flush(ct);
        return ValueTask.CompletedTask;
    }

    public void Dispose() => _producer.Dispose();

    /// <summary>The top-level <c>"ts":</c> number; the encoder writes no other key of that name.</summary>
    private static long? EventTimeMs(ReadOnlySpan<byte> json)
    {
        var at = json.IndexOf("\"ts\":"u8);
        return at >= 0 && Utf8Parser.TryParse(json[(at + 5)..], out long ts, out _) ? ts : null;
    }

    private void Count(DeliveryReport<byte[], byte[]> report)
    {
        if (report.Error.IsError)
        {
            Fail($"delivery failed: {report.Error.Reason}");
        }
    }

    private void Fail(string why)
    {
        Interlocked.Increment(ref _failed);
        Interlocked.CompareExchange(ref _firstError, why, null);
    }
}
