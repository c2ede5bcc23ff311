using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using Analytics.Alerts.Incidents;

namespace Analytics.Alerts.Notifiers.Alertmanager;

/// <summary>
/// One alert as Alertmanager's API v2 takes it (<c>postableAlert</c> in
/// https://github.com/prometheus/alertmanager/blob/v0.25.0/api/v2/openapi.yaml): labels identify the alert
/// (their fingerprint groups, deduplicates and routes it), annotations describe it, and
/// <c>endsAt</c> says until when it fires unless posted again.
/// </summary>
internal sealed record AlertmanagerAlert(
    [property: JsonPropertyName("labels")] IReadOnlyDictionary<string, string> Labels,
    [property: JsonPropertyName("annotations")] IReadOnlyDictionary<string, string> Annotations,
    [property: JsonPropertyName("startsAt")] string StartsAt,
    [property: JsonPropertyName("endsAt")] string EndsAt,
    [property: JsonPropertyName("generatorURL"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? GeneratorUrl)
{
    /// <summary>How many resend periods a firing alert lives without a new post, as Prometheus does (4 × resend).</summary>
    public const int LifetimeInResends = 4;

    /// <summary>
    /// The alert for a notification at <paramref name="now"/>. Firing (trigger, acknowledge, a refresh):
    /// <c>endsAt</c> = now + 4 × <paramref name="resend"/>, so the alert resolves on its own if we stop
    /// posting. Resolved: <c>endsAt</c> = the resolve time, never later than now, which resolves it at once.
    /// </summary>
    public static AlertmanagerAlert From(Notification notification, DateTimeOffset now, TimeSpan resend, string publicUrl)
    {
        var incident = notification.Incident;
        var nowMs = now.ToUnixTimeMilliseconds();
        var startMs = Math.Min(incident.TriggeredAtMs > 0 ? incident.TriggeredAtMs : incident.OpenedAtMs, nowMs);
        long endMs;
        if (notification.Action == NotificationAction.Resolve)
        {
            endMs = Math.Min(incident.ResolvedAtMs ?? notification.Change.AtMs, nowMs);

            // Alertmanager refuses an alert that ends before it starts (400).
            startMs = Math.Min(startMs, endMs);
        }
        else
        {
            endMs = nowMs + (long)(resend.TotalMilliseconds * LifetimeInResends);
        }

        var link = IncidentLink(publicUrl, incident.Id);
        return new AlertmanagerAlert(LabelsOf(incident), AnnotationsOf(incident, link), Time(startMs), Time(endMs), link);
    }

    /// <summary>The request body: a JSON array of alerts.</summary>
    public static string ToJson(IEnumerable<AlertmanagerAlert> alerts) => JsonSerializer.Serialize(alerts.ToArray());

    /// <summary>
    /// <c>alertname</c> (the rule) and the incident's labels without <c>status</c>: labels are the alert's
    /// identity, so one that changes while the incident lives (acknowledged, resolved) would split it in two.
    /// </summary>
    public static IReadOnlyDictionary<string, string> LabelsOf(Incident incident)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in IncidentLabels.Of(incident))
        {
            if (name != "status")
            {
                labels[LabelName(name)] = value;
            }
        }

        labels["alertname"] = incident.Rule;
        return labels;
    }

    /// <summary>
    /// A valid Alertmanager label name (<c>[a-zA-Z_][a-zA-Z0-9_]*</c> in 0.25): other characters become
    /// <c>_</c>, as Prometheus does with metric labels, so a rule label such as <c>owner-team</c> does not
    /// make Alertmanager refuse every notification of its rule.
    /// </summary>
    public static string LabelName(string name)
    {
        var result = new StringBuilder(name.Length + 1);
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            result.Append('_');
        }

        foreach (var c in name)
        {
            result.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return result.ToString();
    }

    /// <summary>The incident's page under <c>public_url</c>; null without one.</summary>
    public static string? IncidentLink(string publicUrl, string incidentId)
        => publicUrl.Length == 0 ? null : $"{publicUrl.TrimEnd('/')}/incidents/{Uri.EscapeDataString(incidentId)}";

    private static SortedDictionary<string, string> AnnotationsOf(Incident incident, string? link)
    {
        var annotations = new SortedDictionary<string, string>(StringComparer.Ordinal);

        // The rule's own annotations first (they may be used in Alertmanager templates); ours win.
        foreach (var (name, value) in incident.Annotations)
        {
            annotations[LabelName(name)] = value;
        }

        annotations["summary"] = incident.Title.Length > 0 ? incident.Title : $"{incident.Rule} on {incident.Slice}";
        annotations["description"] = incident.Annotations.GetValueOrDefault("description") ?? Describe(incident);
        if ((incident.Annotations.GetValueOrDefault("runbook_url") ?? incident.Annotations.GetValueOrDefault("runbook")) is { Length: > 0 } runbook)
        {
            annotations["runbook_url"] = runbook;
        }

        Put(annotations, "value", incident.Value);
        Put(annotations, "baseline", incident.Baseline);
        Put(annotations, "threshold", incident.Threshold);
        if (link is not null)
        {
            annotations["dashboard"] = link;
        }

        // Alertmanager has no acknowledgement: the alert keeps firing and says who took it.
        if (incident.Status == IncidentStatus.Acknowledged)
        {
            annotations["acknowledged_by"] = incident.AcknowledgedBy ?? "unknown";
            if (incident.AcknowledgedAtMs is { } ackMs)
            {
                annotations["acknowledged_at"] = Time(ackMs);
            }
        }

        return annotations;
    }

    private static string Describe(Incident incident)
    {
        var text = new StringBuilder($"{incident.Severity} {incident.Metric} on {incident.Slice}");
        if (incident.Value is { } value)
        {
            text.Append(CultureInfo.InvariantCulture, $" is {Number(value)}");
        }

        if (incident.Baseline is { } baseline)
        {
            text.Append(CultureInfo.InvariantCulture, $", baseline {Number(baseline)}");
        }

        if (incident.Threshold is { } threshold)
        {
            text.Append(CultureInfo.InvariantCulture, $", threshold {Number(threshold)}");
        }

        return text.Append(CultureInfo.InvariantCulture, $" (incident {incident.Id})").ToString();
    }

    private static void Put(SortedDictionary<string, string> annotations, string name, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            annotations[name] = Number(v);
        }
    }

    private static string Number(double value) => value.ToString("0.######", CultureInfo.InvariantCulture);

    /// <summary>RFC 3339 in UTC with milliseconds, as the API's <c>date-time</c> format reads it.</summary>
    private static string Time(long unixMs)
        => DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
