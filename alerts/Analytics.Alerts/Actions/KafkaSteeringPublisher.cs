using Analytics.Ingest.Kafka;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using KafkaException = Analytics.Ingest.KafkaException;

namespace Analytics.Alerts.Actions;

/// <summary>
/// Publishes steering commands to a Kafka topic as JSON, keyed by the source POP so one POP's commands stay in
/// order. The producer is idempotent with acks=all (a command is on every in-sync replica before it counts as
/// sent), and gives up after <see cref="DeliveryTimeout"/> so a broker outage fails an action in bounded time.
/// </summary>
internal sealed partial class KafkaSteeringPublisher : ISteeringPublisher
{
    /// <summary>How long librdkafka retries one command before the action is recorded as failed (unless the Kafka settings set message.timeout.ms).</summary>
    public static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);

    private readonly IProducer<string, byte[]> _producer;
    private readonly string _topic;

    /// <param name="kafka">The brokers and security settings (its topics are not used).</param>
    /// <param name="topic">The steering topic, e.g. <c>cdn-steering</c>.</param>
    /// <param name="log">Where fatal producer errors are reported.</param>
    public KafkaSteeringPublisher(KafkaOptions kafka, string topic, ILogger log)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topic);
        LibRdKafka.EnsureLoaded();
        _topic = topic;
        var config = kafka.ToProducerConfig();
        config.MessageTimeoutMs ??= (int)DeliveryTimeout.TotalMilliseconds;

        // Commands are rare and urgent: send each at once rather than batching.
        config.LingerMs = 0;
        _producer = new ProducerBuilder<string, byte[]>(config)
            .SetErrorHandler((_, error) =>
            {
                if (error.IsFatal)
                {
                    ProducerFailed(log, _topic, error.Reason);
                }
            })
            .SetLogHandler((_, _) => { })
            .Build();
    }

    public string Destination => $"kafka topic {_topic}";

    public async Task PublishAsync(SteeringCommand command, CancellationToken ct)
    {
        try
        {
            await _producer.ProduceAsync(_topic, new Message<string, byte[]> { Key = command.Key, Value = command.ToJson() }, ct);
        }
        catch (ProduceException<string, byte[]> ex)
        {
            throw KafkaErrors.ToException(ex.Error, $"publish steering command {command.CommandId} to {_topic}", ex);
        }
        catch (Confluent.Kafka.KafkaException ex)
        {
            throw new KafkaException($"Could not publish steering command {command.CommandId} to {_topic}: {ex.Error.Reason}", KafkaErrors.IsTransient(ex.Error), ex);
        }
    }

    public void Dispose()
    {
        _producer.Flush(TimeSpan.FromSeconds(5));
        _producer.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Steering producer for {Topic} failed for good ({Reason}); steering actions will be recorded as failed until the alert service restarts.")]
    private static partial void ProducerFailed(ILogger log, string topic, string reason);
}
