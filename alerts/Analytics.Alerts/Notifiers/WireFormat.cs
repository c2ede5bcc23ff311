using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Analytics.Alerts.Notifiers;

/// <summary>
/// How receivers write values on the wire: UTC ISO 8601 times, finite numbers (JSON has no NaN), texts cut
/// to a service's limit, and JSON without needless escapes (Slack's <c>&lt;!subteam^…&gt;</c> stays readable).
/// </summary>
internal static class WireFormat
{
    private static readonly JsonSerializerOptions JsonOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static readonly long MinMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>E.g. <c>2026-01-15T14:02:00.000Z</c>.</summary>
    public static string Time(long unixMs) => At(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static string? Time(long? unixMs) => unixMs is { } ms ? Time(ms) : null;

    /// <summary>A Unix time in ms as a UTC time; an impossible one is clamped, never a crash.</summary>
    public static DateTimeOffset At(long unixMs) => DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(unixMs, MinMs, MaxMs));

    /// <summary>Null for NaN and infinities, which JSON cannot carry: a detector's odd value must not stop a page.</summary>
    public static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;

    /// <summary>At most <paramref name="max"/> characters, ending with "…" when cut; a surrogate pair is never split.</summary>
    public static string Cut(string text, int max)
    {
        if (text.Length <= max)
        {
            return text;
        }

        var keep = Math.Max(0, max - 1);
        if (keep > 0 && char.IsHighSurrogate(text[keep - 1]))
        {
            keep--;
        }

        return string.Concat(text.AsSpan(0, keep), "…");
    }

    public static string Json(JsonNode node) => node.ToJsonString(JsonOptions);

    public static byte[] JsonBytes(JsonNode node) => JsonSerializer.SerializeToUtf8Bytes(node, JsonOptions);

    /// <summary>A JSON object of texts (labels, annotations, slice dimensions), in the given order.</summary>
    public static JsonObject Object(IEnumerable<KeyValuePair<string, string>> pairs)
    {
        var result = new JsonObject();
        foreach (var (name, value) in pairs)
        {
            result[name] = value;
        }

        return result;
    }
}
