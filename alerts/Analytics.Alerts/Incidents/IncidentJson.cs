using System.Text.Json;
using System.Text.Json.Serialization;
using Analytics.Alerts.Slices;

namespace Analytics.Alerts.Incidents;

/// <summary>How incident snapshots are written to and read from the store's <c>state</c> column.</summary>
internal static class IncidentJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new SliceConverter(), new JsonStringEnumConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Write(Incident incident) => JsonSerializer.Serialize(incident, Options);

    public static Incident Read(string id, string json)
    {
        try
        {
            return JsonSerializer.Deserialize<Incident>(json, Options) ?? throw new IncidentStateException(id, "the snapshot is null");
        }
        catch (JsonException e)
        {
            throw new IncidentStateException(id, e.Message, e);
        }
    }

    /// <summary>Slices as their text (<c>cdn=oca,pop=iad-2</c>), which parses back to an equal slice.</summary>
    private sealed class SliceConverter : JsonConverter<Slice>
    {
        public override Slice Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            => Slice.Parse(reader.GetString() ?? "");

        public override void Write(Utf8JsonWriter writer, Slice value, JsonSerializerOptions options)
            => writer.WriteStringValue(value.ToString());
    }
}
