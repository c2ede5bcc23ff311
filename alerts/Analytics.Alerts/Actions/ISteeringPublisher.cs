namespace Analytics.Alerts.Actions;

/// <summary>
/// Sends steering commands to the CDN steering service. <see cref="KafkaSteeringPublisher"/> writes them to
/// the <c>cdn-steering</c> topic. <see cref="PublishAsync"/> completes when the command is durably accepted and
/// throws when it is not (the runner records the action as failed with the exception's message).
/// </summary>
internal interface ISteeringPublisher : IDisposable
{
    /// <summary>Where commands go, for the audit (e.g. <c>kafka topic cdn-steering</c>).</summary>
    string Destination { get; }

    Task PublishAsync(SteeringCommand command, CancellationToken ct);
}

/// <summary>For a service without Kafka: every publish fails with a reason that says what to configure.</summary>
internal sealed class UnconfiguredSteeringPublisher : ISteeringPublisher
{
    public string Destination => "(no Kafka brokers configured)";

    public Task PublishAsync(SteeringCommand command, CancellationToken ct)
        => throw new InvalidOperationException("no Kafka brokers are configured for steering commands; give the alert service its Kafka settings");

    public void Dispose()
    {
    }
}
