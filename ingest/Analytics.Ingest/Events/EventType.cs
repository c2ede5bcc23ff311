namespace Analytics.Ingest.Events;

/// <summary>Playback beacon types. Values are stable: they are stored in checkpoints.</summary>
internal enum EventType : byte
{
    PlayRequest = 1,
    FirstFrame = 2,
    Heartbeat = 3,
    RebufferStart = 4,
    RebufferEnd = 5,
    BitrateChange = 6,
    Seek = 7,
    Pause = 8,
    Resume = 9,
    Error = 10,
    End = 11,
}

internal static class EventTypes
{
    public const int Count = 11;

    private static readonly string[] WireNames =
    [
        string.Empty,
        "play_request",
        "first_frame",
        "heartbeat",
        "rebuffer_start",
        "rebuffer_end",
        "bitrate_change",
        "seek",
        "pause",
        "resume",
        "error",
        "end",
    ];

    public static IReadOnlyList<EventType> All { get; } = Enumerable.Range(1, Count).Select(i => (EventType)i).ToArray();

    public static string ToWire(this EventType type) => WireNames[(int)type];

    /// <summary>
    /// Where a beacon goes among its session's beacons of the same millisecond: a player's natural order
    /// (a seek precedes the stall it causes; an error precedes the end). Part of the metric definitions
    /// (docs/metrics.md), so the processor and any recomputation order ties alike.
    /// </summary>
    public static int SameMillisecondRank(this EventType type) => type switch
    {
        EventType.PlayRequest => 0,
        EventType.FirstFrame => 1,
        EventType.Seek => 2,
        EventType.RebufferStart => 3,
        EventType.RebufferEnd => 4,
        EventType.BitrateChange => 5,
        EventType.Pause => 6,
        EventType.Resume => 7,
        EventType.Heartbeat => 8,
        EventType.Error => 9,
        EventType.End => 10,
        _ => 11,
    };

    public static bool TryParse(ReadOnlySpan<byte> utf8, out EventType type)
    {
        type = utf8.Length switch
        {
            3 when utf8.SequenceEqual("end"u8) => EventType.End,
            4 when utf8.SequenceEqual("seek"u8) => EventType.Seek,
            5 when utf8.SequenceEqual("pause"u8) => EventType.Pause,
            5 when utf8.SequenceEqual("error"u8) => EventType.Error,
            6 when utf8.SequenceEqual("resume"u8) => EventType.Resume,
            9 when utf8.SequenceEqual("heartbeat"u8) => EventType.Heartbeat,
            11 when utf8.SequenceEqual("first_frame"u8) => EventType.FirstFrame,
            12 when utf8.SequenceEqual("play_request"u8) => EventType.PlayRequest,
            12 when utf8.SequenceEqual("rebuffer_end"u8) => EventType.RebufferEnd,
            14 when utf8.SequenceEqual("rebuffer_start"u8) => EventType.RebufferStart,
            14 when utf8.SequenceEqual("bitrate_change"u8) => EventType.BitrateChange,
            _ => 0,
        };
        return type != 0;
    }

    public static bool TryParse(string wire, out EventType type)
    {
        Span<byte> buffer = stackalloc byte[32];
        if (wire.Length > buffer.Length)
        {
            type = 0;
            return false;
        }

        var n = System.Text.Encoding.UTF8.GetBytes(wire, buffer);
        return TryParse(buffer[..n], out type);
    }
}
