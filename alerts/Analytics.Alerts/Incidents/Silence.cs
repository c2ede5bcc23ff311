namespace Analytics.Alerts.Incidents;

/// <summary>
/// Mutes notifications of incidents whose labels or slice match every matcher (equality, as Alertmanager
/// silences): once between <see cref="StartsAtMs"/> and <see cref="EndsAtMs"/> (wall time), or, with a
/// <see cref="Schedule"/>, during each of its windows within that span. Incidents and events are still recorded.
/// </summary>
internal sealed record Silence(string Id, IReadOnlyDictionary<string, string> Matchers, long StartsAtMs, long EndsAtMs)
{
    public MaintenanceSchedule? Schedule { get; init; }

    public string Comment { get; init; } = "";

    public string CreatedBy { get; init; } = "";

    public bool IsActive(DateTimeOffset now)
    {
        var ms = now.ToUnixTimeMilliseconds();
        return ms >= StartsAtMs && ms < EndsAtMs && (Schedule is null || Schedule.Covers(now));
    }

    /// <summary>Matchers are tested against the incident's labels and its slice with implied parents (a CDN silence covers its POPs).</summary>
    public bool Matches(Incident incident, Topology topology)
    {
        var slice = topology.Expand(incident.Slice);
        return Matchers.All(m => slice[m.Key] == m.Value || (incident.Labels.TryGetValue(m.Key, out var v) && v == m.Value));
    }

    /// <summary>Parses <c>pop=iad-2</c> matchers.</summary>
    public static Dictionary<string, string> ParseMatchers(IEnumerable<string> texts)
    {
        var matchers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var text in texts)
        {
            var eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == text.Length - 1 || !matchers.TryAdd(text[..eq].Trim(), text[(eq + 1)..].Trim()))
            {
                throw new SilenceFormatException(text, "is not a matcher (expected label=value, each label once)");
            }
        }

        return matchers.Count > 0 ? matchers : throw new SilenceFormatException("", "a silence needs at least one matcher");
    }

    /// <summary>The same matchers, span and schedule make the same silence: its id is a hash of them, so a repeated command adds nothing.</summary>
    public static string IdFor(IReadOnlyDictionary<string, string> matchers, long startsAtMs, long endsAtMs, string? schedule)
    {
        var text = string.Join(',', matchers.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => $"{m.Key}={m.Value}"));
        return "SIL-" + IncidentIds.For($"{text}|{schedule}|{endsAtMs}", startsAtMs)[4..];
    }
}
