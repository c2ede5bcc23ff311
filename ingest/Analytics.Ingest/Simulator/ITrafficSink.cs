namespace Analytics.Ingest.Simulator;

/// <summary>Where <see cref="SimulationRunner"/> sends messages: Kafka, or memory in tests.</summary>
internal interface ITrafficSink
{
    /// <summary>Queues one message. May wait for capacity (back-pressure); never drops it.</summary>
    ValueTask SendAsync(ReadOnlyMemory<byte> key, ReadOnlyMemory<byte> value, CancellationToken ct);

    /// <summary>Returns once everything sent so far is stored, or throws if some of it could not be.</summary>
    ValueTask FlushAsync(CancellationToken ct);
}
