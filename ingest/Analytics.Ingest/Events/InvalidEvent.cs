namespace Analytics.Ingest.Events;

/// <summary>Why a beacon was rejected. Values are stable: they name dead-letter reasons and metrics.</summary>
internal enum InvalidEventReason : byte
{
    None = 0,
    Empty,
    TooLarge,
    MalformedJson,
    NotAnObject,
    UnsupportedSchemaVersion,
    MissingField,
    InvalidField,
    DuplicateField,
    UnknownEventType,
}

internal static class InvalidEventReasons
{
    public static IReadOnlyList<InvalidEventReason> All { get; } =
        Enum.GetValues<InvalidEventReason>().Where(r => r != InvalidEventReason.None).ToArray();

    /// <summary>The snake_case code used in dead-letter headers, metrics and ClickHouse.</summary>
    public static string ToCode(this InvalidEventReason reason) => reason switch
    {
        InvalidEventReason.Empty => "empty",
        InvalidEventReason.TooLarge => "too_large",
        InvalidEventReason.MalformedJson => "malformed_json",
        InvalidEventReason.NotAnObject => "not_an_object",
        InvalidEventReason.UnsupportedSchemaVersion => "unsupported_schema_version",
        InvalidEventReason.MissingField => "missing_field",
        InvalidEventReason.InvalidField => "invalid_field",
        InvalidEventReason.DuplicateField => "duplicate_field",
        InvalidEventReason.UnknownEventType => "unknown_event_type",
        _ => "none",
    };
}

/// <summary>A rejection: the reason, the field it concerns (if any) and a sentence for humans.</summary>
internal readonly record struct InvalidEvent(InvalidEventReason Reason, string? Field, string Message)
{
    public string Code => Reason.ToCode();

    public override string ToString() => Field is null ? $"{Code}: {Message}" : $"{Code}({Field}): {Message}";
}
