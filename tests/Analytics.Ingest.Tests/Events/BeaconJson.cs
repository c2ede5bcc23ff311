using System.Text;
using System.Text.Json.Nodes;

namespace Analytics.Ingest.Tests.Events;

/// <summary>Builds beacon JSON for decoder tests: a valid baseline per event type, then one edit.</summary>
internal static class BeaconJson
{
    public const string Heartbeat =
        """
        {"v":1,"event_id":"3f9c1a7e0b2d4c55","session_id":"s-6d1f0c9a3b2e4f71","type":"heartbeat","ts":1764201600000,
         "device":{"type":"tv","os":"tizen","model":"QN90C","app_version":"6.14.0"},
         "geo":{"region":"us-east","country":"US","isp":"Comcast","asn":7922},
         "cdn":"oca","pop":"iad-2","title_id":"t000421",
         "playhead_ms":734000,"bitrate_kbps":5800,"bytes":7250000,"cache_hit":true}
        """;

    /// <summary>A valid beacon of the given type with exactly the fields it needs.</summary>
    public static JsonObject Valid(string type = "heartbeat")
    {
        var o = JsonNode.Parse(Heartbeat)!.AsObject();
        o["type"] = type;
        o.Remove("playhead_ms");
        o.Remove("bitrate_kbps");
        o.Remove("bytes");
        o.Remove("cache_hit");
        switch (type)
        {
            case "heartbeat":
                o["playhead_ms"] = 734000;
                o["bitrate_kbps"] = 5800;
                o["bytes"] = 7250000;
                o["cache_hit"] = true;
                break;
            case "first_frame":
            case "bitrate_change":
                o["bitrate_kbps"] = 3000;
                break;
            case "seek":
                o["playhead_ms"] = 120000;
                break;
            case "error":
                o["error_code"] = "NETWORK_LOST";
                o["fatal"] = true;
                break;
        }

        return o;
    }

    public static byte[] Bytes(this JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());

    public static byte[] Utf8(string json) => Encoding.UTF8.GetBytes(json);

    /// <summary>Removes a field given as a path such as <c>device.os</c>.</summary>
    public static JsonObject Without(this JsonObject o, string path)
    {
        var (parent, name) = Locate(o, path);
        parent.Remove(name);
        return o;
    }

    /// <summary>Sets a field given as a path such as <c>geo.asn</c> (null writes a JSON null).</summary>
    public static JsonObject With(this JsonObject o, string path, JsonNode? value)
    {
        var (parent, name) = Locate(o, path);
        parent[name] = value;
        return o;
    }

    private static (JsonObject Parent, string Name) Locate(JsonObject o, string path)
    {
        var dot = path.IndexOf('.', StringComparison.Ordinal);
        return dot < 0 ? (o, path) : (o[path[..dot]]!.AsObject(), path[(dot + 1)..]);
    }
}
