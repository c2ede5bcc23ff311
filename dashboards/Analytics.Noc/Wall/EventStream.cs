namespace Analytics.Noc.Wall;

/// <summary>The server-sent events wire format (WHATWG HTML, "Server-sent events"): one event per call, flushed.</summary>
internal static class EventStream
{
    private static readonly byte[] Data = "data: "u8.ToArray();
    private static readonly byte[] End = "\n\n"u8.ToArray();

    /// <summary>
    /// Writes <c>event: kind</c> (left out for the default "message") and the payload as one <c>data:</c> line.
    /// The payload must hold no newline: JSON from System.Text.Json without indentation never does.
    /// </summary>
    public static async Task WriteAsync(Stream body, string kind, ReadOnlyMemory<byte> payload, CancellationToken ct)
    {
        if (payload.Span.IndexOfAny((byte)'\n', (byte)'\r') >= 0)
        {
            throw new ArgumentException("an event's payload must be one line", nameof(payload));
        }

        if (kind != "message")
        {
            await body.WriteAsync(System.Text.Encoding.UTF8.GetBytes($"event: {kind}\n"), ct);
        }

        await body.WriteAsync(Data, ct);
        await body.WriteAsync(payload, ct);
        await body.WriteAsync(End, ct);
        await body.FlushAsync(ct);
    }
}
