using Analytics.Ingest.Events;

namespace Analytics.Ingest.Simulator;

/// <summary>Why a message arrives when it does (ground truth for lateness and dedup tests).</summary>
internal enum DeliveryKind : byte
{
    /// <summary>Delivered at its event time.</summary>
    Normal,

    /// <summary>Delayed by up to <see cref="SimulatorOptions.MaxOutOfOrderDelay"/>.</summary>
    OutOfOrder,

    /// <summary>Delayed by <see cref="SimulatorOptions.LateDelayMin"/>..<see cref="SimulatorOptions.LateDelayMax"/>.</summary>
    Late,

    /// <summary>Delayed by <see cref="SimulatorOptions.TooLateDelayMin"/>..<see cref="SimulatorOptions.TooLateDelayMax"/>.</summary>
    TooLate,

    /// <summary>A second copy of a beacon already sent: same bytes, same event_id.</summary>
    Duplicate,

    /// <summary>An extra invalid message; <see cref="SimulatedMessage.ExpectedReason"/> says what the decoder must report.</summary>
    Malformed,
}

/// <summary>
/// One Kafka message as the simulator sends it, with its ground truth. <see cref="Key"/> and
/// <see cref="Value"/> are shared with other messages (a session's key, a duplicate's bytes):
/// never mutate them.
/// </summary>
internal sealed class SimulatedMessage
{
    public SimulatedMessage(long sequence, long deliveryTimeMs, byte[] key, byte[] value, PlaybackBeacon? beacon, DeliveryKind kind, InvalidEventReason expectedReason = InvalidEventReason.None, string? expectedField = null)
    {
        Sequence = sequence;
        DeliveryTimeMs = deliveryTimeMs;
        Key = key;
        Value = value;
        Beacon = beacon;
        Kind = kind;
        ExpectedReason = expectedReason;
        ExpectedField = expectedField;
    }

    /// <summary>
    /// Generation order of the original beacon (0, 1, 2, …): a session's beacons in this order are
    /// in event-time order. A duplicate carries its original's number; a malformed extra the number
    /// of the beacon it was made from.
    /// </summary>
    public long Sequence { get; }

    /// <summary>When the message reaches Kafka, in ms since the epoch; messages come in this order.</summary>
    public long DeliveryTimeMs { get; }

    /// <summary>The session id as UTF-8: the Kafka key.</summary>
    public byte[] Key { get; }

    /// <summary>The message bytes: the encoded beacon, or the malformed payload.</summary>
    public byte[] Value { get; }

    /// <summary>The beacon <see cref="Value"/> encodes; null for malformed messages.</summary>
    public PlaybackBeacon? Beacon { get; }

    public DeliveryKind Kind { get; }

    /// <summary>For malformed messages, the reason <see cref="EventDecoder"/> must give; otherwise None.</summary>
    public InvalidEventReason ExpectedReason { get; }

    /// <summary>For malformed messages, the field the decoder must name (null when the reason names none).</summary>
    public string? ExpectedField { get; }

    /// <summary>Delivery delay relative to the beacon's event time (0 for malformed messages).</summary>
    public long DelayMs => Beacon is null ? 0 : DeliveryTimeMs - Beacon.TimestampMs;

    public bool IsValid => Beacon is not null;

    public override string ToString() => Beacon is null
        ? $"{DeliveryTimeMs} malformed ({ExpectedReason.ToCode()}{(ExpectedField is null ? string.Empty : "/" + ExpectedField)}, {Value.Length} bytes)"
        : $"{DeliveryTimeMs} {Kind} {Beacon.SessionId} {Beacon.Type.ToWire()}@{Beacon.TimestampMs}";
}
