using System.Text.Json;
using System.Text.RegularExpressions;
using Analytics.Alerts.Notifiers.PagerDuty;

namespace Analytics.Cli.WebhookSink;

/// <summary>
/// What the sink shows of one delivery, read from whichever shape it came in: our signed webhook body,
/// a PagerDuty Events API v2 event, or a Slack incoming-webhook message. Fields it cannot find are "?".
/// </summary>
internal sealed partial record SinkDelivery(string Action, string Severity, string Id, string Title)
{
    /// <summary>The generic webhook body (version 1): <c>action</c>, <c>incident.severity</c>, <c>incident.id</c>, <c>incident.title</c>.</summary>
    public static SinkDelivery FromWebhook(JsonElement body)
    {
        var incident = Property(body, "incident");
        return new(Text(body, "action"), Text(incident, "severity"), Text(incident, "id"), Text(incident, "title", ""));
    }

    /// <summary>
    /// A PagerDuty event, with what PagerDuty would refuse in it (its 400 "invalid event" errors): a routing key,
    /// a known event_action, and for a trigger a payload with summary, source and a known severity.
    /// https://developer.pagerduty.com/docs/events-api-v2/trigger-events/
    /// </summary>
    public static (SinkDelivery Delivery, IReadOnlyList<string> Errors) FromPagerDuty(JsonElement body)
    {
        var errors = new List<string>();
        var action = Text(body, "event_action");
        var payload = Property(body, "payload");
        if (Text(body, "routing_key", "").Length == 0)
        {
            errors.Add("'routing_key' is missing");
        }

        if (action is not ("trigger" or "acknowledge" or "resolve"))
        {
            errors.Add("'event_action' must be trigger, acknowledge or resolve");
        }

        if (action == "trigger")
        {
            foreach (var field in new[] { "summary", "source" })
            {
                if (Text(payload, field, "").Length == 0)
                {
                    errors.Add($"'payload.{field}' is missing");
                }
            }

            if (Text(payload, "severity") is not ("critical" or "error" or "warning" or "info"))
            {
                errors.Add("'payload.severity' must be critical, error, warning or info");
            }

            if (Text(payload, "summary", "").Length > PagerDutyEvent.SummaryLimit)
            {
                errors.Add($"'payload.summary' is longer than {PagerDutyEvent.SummaryLimit} characters");
            }
        }

        var severity = Text(payload, "severity", "");
        return (new(action, severity, Text(body, "dedup_key"), Text(payload, "summary", "")), errors);
    }

    /// <summary>A Slack message: its <c>text</c> fallback, read as ours ("[P1] INC-3f9a2c opened: …") when it is.</summary>
    public static SinkDelivery FromSlack(JsonElement body)
    {
        var text = Text(body, "text", "");
        return OurText().Match(text) is { Success: true } m
            ? new(m.Groups["kind"].Value, m.Groups["severity"].Value, m.Groups["id"].Value, m.Groups["title"].Value)
            : new("message", "", "", text);
    }

    private static JsonElement Property(JsonElement element, string name)
        => element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : default;

    private static string Text(JsonElement element, string name, string missing = "?")
        => Property(element, name) is { ValueKind: JsonValueKind.String } value ? value.GetString() ?? missing : missing;

    // IncidentNotification.Text, after an optional mention.
    [GeneratedRegex(@"^(?:<[^>]*>\s+)?\[(?<severity>P[0-3])\] (?<id>\S+) (?<kind>\S+): (?<title>.*)$", RegexOptions.Singleline)]
    private static partial Regex OurText();
}
