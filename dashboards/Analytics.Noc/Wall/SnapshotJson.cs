using System.Text.Json;
using System.Text.Json.Serialization;
using Analytics.Noc.Snapshots;

namespace Analytics.Noc.Wall;

/// <summary>The snapshot as the page reads it: snake_case names, times as ISO 8601, nulls kept (a gap is news).</summary>
internal static class SnapshotJson
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        DictionaryKeyPolicy = null,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        NumberHandling = JsonNumberHandling.Strict,
    };

    public static byte[] Serialize(WallSnapshot snapshot) => JsonSerializer.SerializeToUtf8Bytes(snapshot, Options);

    /// <summary>An error the page shows in place of stale figures: what went wrong and what to do.</summary>
    public static byte[] Error(string message, string? hint = null)
        => JsonSerializer.SerializeToUtf8Bytes(new ErrorBody(message, hint), Options);

    private sealed record ErrorBody(string Error, string? Hint);
}
