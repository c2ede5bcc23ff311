using System.Globalization;
using System.Text.Json;

namespace Analytics.Alerts.Actions;

/// <summary>A POP and/or CDN in a steering command; either may be null.</summary>
internal sealed record SteeringPoint(string? Cdn, string? Pop)
{
    /// <summary>How texts name it: <c>pop iad-1</c>, else <c>cdn oca</c>.</summary>
    public override string ToString() => Pop is not null ? $"pop {Pop}" : $"cdn {Cdn}";
}

/// <summary>
/// What the <c>cdn-steering</c> topic carries, as a CDN steering service consumes it (schema version 1,
/// docs/oncall.md): "steer" moves <see cref="Percent"/> % of <see cref="From"/>'s traffic to <see cref="To"/>
/// until <see cref="ExpiresAt"/> (the consumer drops it then by itself); "undo" ends the steering whose
/// command id is <see cref="Undoes"/>. Records are keyed by the source POP (or CDN), so the commands for one
/// POP stay in order on one partition. <see cref="CommandId"/> is the audit's decision id: a consumer that
/// sees one twice applies it once.
/// </summary>
internal sealed record SteeringCommand(
    string CommandId,
    string Action,
    string IncidentId,
    SteeringPoint From,
    SteeringPoint To,
    int Percent,
    DateTimeOffset IssuedAt,
    DateTimeOffset? ExpiresAt,
    string Reason,
    string? Undoes = null)
{
    public const int Version = 1;
    public const string Steer = "steer";
    public const string Undo = "undo";

    /// <summary>The Kafka record key: the source POP, or the CDN when the incident names no POP.</summary>
    public string Key => From.Pop ?? From.Cdn ?? "";

    /// <summary>The undo of this steering, issued at <paramref name="now"/> under its own command id.</summary>
    public SteeringCommand UndoBy(string commandId, DateTimeOffset now, string reason)
        => this with { CommandId = commandId, Action = Undo, IssuedAt = now, ExpiresAt = null, Reason = reason, Undoes = CommandId };

    public byte[] ToJson()
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            Write(w);
        }

        return buffer.ToArray();
    }

    public void Write(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteNumber("version", Version);
        w.WriteString("command_id", CommandId);
        w.WriteString("action", Action);
        if (Undoes is not null)
        {
            w.WriteString("undoes", Undoes);
        }

        w.WriteString("incident_id", IncidentId);
        WritePoint(w, "from", From);
        WritePoint(w, "to", To);
        w.WriteNumber("percent", Percent);
        w.WriteString("issued_at", Time(IssuedAt));
        if (ExpiresAt is { } expires)
        {
            w.WriteString("expires_at", Time(expires));
        }
        else
        {
            w.WriteNull("expires_at");
        }

        w.WriteString("reason", Reason);
        w.WriteEndObject();
    }

    /// <summary>Reads a command written by <see cref="Write"/>; throws <see cref="JsonException"/> when it is not one.</summary>
    public static SteeringCommand Read(JsonElement e)
    {
        try
        {
            return new SteeringCommand(
                e.GetProperty("command_id").GetString()!,
                e.GetProperty("action").GetString()!,
                e.GetProperty("incident_id").GetString()!,
                ReadPoint(e.GetProperty("from")),
                ReadPoint(e.GetProperty("to")),
                e.GetProperty("percent").GetInt32(),
                DateTimeOffset.Parse(e.GetProperty("issued_at").GetString()!, CultureInfo.InvariantCulture),
                e.GetProperty("expires_at").ValueKind == JsonValueKind.String ? DateTimeOffset.Parse(e.GetProperty("expires_at").GetString()!, CultureInfo.InvariantCulture) : null,
                e.GetProperty("reason").GetString()!,
                e.TryGetProperty("undoes", out var undoes) ? undoes.GetString() : null);
        }
        catch (Exception ex) when (ex is KeyNotFoundException or InvalidOperationException or FormatException)
        {
            throw new JsonException($"not a steering command: {ex.Message}", ex);
        }
    }

    public static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    private static void WritePoint(Utf8JsonWriter w, string name, SteeringPoint point)
    {
        w.WriteStartObject(name);
        if (point.Cdn is not null)
        {
            w.WriteString("cdn", point.Cdn);
        }

        if (point.Pop is not null)
        {
            w.WriteString("pop", point.Pop);
        }

        w.WriteEndObject();
    }

    private static SteeringPoint ReadPoint(JsonElement e)
        => new(e.TryGetProperty("cdn", out var cdn) ? cdn.GetString() : null, e.TryGetProperty("pop", out var pop) ? pop.GetString() : null);
}
