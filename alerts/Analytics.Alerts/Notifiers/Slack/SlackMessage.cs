using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Analytics.Alerts.Incidents;
using Analytics.Alerts.Rules;

namespace Analytics.Alerts.Notifiers.Slack;

/// <summary>
/// One incident notification as a Slack Block Kit message: a <c>text</c> fallback (what notifications and
/// old clients show) and <c>blocks</c>: a header with the severity and title, the change, fields with the
/// slice and the value against the baseline, culprits, labels, the runbook and dashboard links, and the time.
/// Slack refuses a message over its limits, so every text is cut to fit
/// (https://docs.slack.dev/reference/block-kit/blocks/header-block, …/section-block, …/context-block).
/// </summary>
/// <param name="Channel">The <c>channel</c> override, or null.</param>
/// <param name="Mention">Prefixed to pages, e.g. <c>&lt;!subteam^S0123ABCD&gt;</c>; null for none.</param>
/// <param name="PublicUrl">The base of links; empty for none.</param>
internal sealed record SlackMessage(string? Channel, string? Mention, string PublicUrl)
{
    public const int HeaderLimit = 150;
    public const int SectionTextLimit = 3000;
    public const int FieldTextLimit = 2000;
    public const int FieldsLimit = 10;
    public const int BlocksLimit = 50;

    public string Build(Notification notification, DateTimeOffset now)
    {
        var incident = notification.Incident;
        var mention = notification.Change.IsPage && Mention is not null ? Mention + " " : "";
        var blocks = new List<JsonObject>
        {
            Header(notification),
            Section(mention, Change(notification)),
            Fields(incident),
        };
        if (incident.Culprits.Count > 0)
        {
            blocks.Add(Section("", "*Culprits*\n" + string.Join('\n', incident.Culprits.Select(c =>
                string.Create(CultureInfo.InvariantCulture, $"• `{c.Slice}`: {c.SharePercent:0.#} % of the change")))));
        }

        if (incident.Labels.Count > 0)
        {
            blocks.Add(Section("", "*Labels*  " + string.Join("  ", incident.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"`{l.Key}={l.Value}`"))));
        }

        if (Links(IncidentLinks.Of(incident, PublicUrl)) is { } links)
        {
            blocks.Add(links);
        }

        blocks.Add(Context(notification, now));

        var message = new JsonObject
        {
            ["text"] = mention + Mrkdwn(notification.Text, SectionTextLimit - mention.Length),
            ["blocks"] = new JsonArray([.. blocks.Take(BlocksLimit)]),
        };
        if (Channel is not null)
        {
            message["channel"] = Channel;
        }

        return WireFormat.Json(message);
    }

    /// <summary>Slack's mrkdwn treats <c>&amp;</c>, <c>&lt;</c> and <c>&gt;</c> as control characters: a title must not become a link or a mention.</summary>
    public static string Escape(string text)
        => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Escapes <paramref name="text"/> and cuts it to <paramref name="max"/> characters without breaking an entity.</summary>
    public static string Mrkdwn(string text, int max)
    {
        var escaped = Escape(text);
        if (escaped.Length <= max)
        {
            return escaped;
        }

        var cut = WireFormat.Cut(escaped, max);
        var amp = cut.LastIndexOf('&');
        return amp >= 0 && cut.IndexOf(';', amp) < 0 ? string.Concat(cut.AsSpan(0, amp), "…") : cut;
    }

    private static string Emoji(NotificationAction action, Severity severity) => action switch
    {
        NotificationAction.Resolve => ":white_check_mark:",
        NotificationAction.Acknowledge => ":eyes:",
        _ => severity switch
        {
            Severity.P0 => ":rotating_light:",
            Severity.P1 => ":red_circle:",
            Severity.P2 => ":large_orange_circle:",
            _ => ":large_blue_circle:",
        },
    };

    private static JsonObject Header(Notification notification)
    {
        var incident = notification.Incident;
        var state = notification.Action switch
        {
            NotificationAction.Resolve => "Resolved: ",
            NotificationAction.Acknowledge => "Acknowledged: ",
            _ => "",
        };
        var text = $"{Emoji(notification.Action, incident.Severity)} {state}{incident.Severity} {incident.Title}";
        return new JsonObject
        {
            ["type"] = "header",
            ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = WireFormat.Cut(text, HeaderLimit), ["emoji"] = true },
        };
    }

    private static string Change(Notification notification)
    {
        var incident = notification.Incident;
        var change = notification.Change;
        var text = new StringBuilder($"{incident.Id} {change.KindName}");
        if (change.Kind == IncidentChangeKind.Acknowledged && incident.AcknowledgedBy is { Length: > 0 } by)
        {
            text.Append(" by ").Append(by);
        }
        else if (change.Kind == IncidentChangeKind.Resolved && incident.ResolvedBy is { Length: > 0 } resolver && resolver != "auto")
        {
            text.Append(" by ").Append(resolver);
        }

        if (change.Kind != IncidentChangeKind.Opened && change.Detail.Length > 0 && change.Detail != incident.Title)
        {
            text.Append(": ").Append(change.Detail);
        }

        return text.ToString();
    }

    private static JsonObject Section(string mention, string text) => new()
    {
        ["type"] = "section",
        ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = mention + Mrkdwn(text, SectionTextLimit - mention.Length) },
    };

    private static JsonObject Fields(Incident incident)
    {
        var fields = new List<(string Name, string Value)>
        {
            ("Severity", incident.Severity.ToString()),
            ("Status", incident.Status.ToString().ToLowerInvariant()),
            ("Incident", incident.Id),
            ("Slice", $"`{incident.Slice}`"),
            ("Value", $"{MetricText.Format(incident.Metric, incident.Value)} against a baseline of {MetricText.Format(incident.Metric, incident.Baseline)}"),
        };
        if (WireFormat.Finite(incident.Threshold) is not null)
        {
            fields.Add(("Threshold", MetricText.Format(incident.Metric, incident.Threshold)));
        }

        fields.Add(("Rule", incident.Rule));
        fields.Add(("Metric", incident.Metric));
        if (incident.AcknowledgedBy is { Length: > 0 } by)
        {
            fields.Add(("Acknowledged by", by));
        }

        return new JsonObject
        {
            ["type"] = "section",
            ["fields"] = new JsonArray([.. fields.Take(FieldsLimit).Select(f => new JsonObject
            {
                ["type"] = "mrkdwn",
                ["text"] = Mrkdwn($"*{f.Name}*\n{f.Value}", FieldTextLimit),
            })]),
        };
    }

    private static JsonObject Context(Notification notification, DateTimeOffset now)
    {
        var opened = WireFormat.At(notification.Incident.TriggeredAtMs > 0 ? notification.Incident.TriggeredAtMs : notification.Change.AtMs);
        var changed = WireFormat.At(notification.Change.AtMs);
        var text = string.Create(
            CultureInfo.InvariantCulture,
            $"Opened {opened.UtcDateTime:yyyy-MM-dd HH:mm} UTC  ·  {notification.Change.KindName} at {changed.UtcDateTime:HH:mm:ss} UTC  ·  sent {now.UtcDateTime:HH:mm:ss} UTC");
        return new JsonObject
        {
            ["type"] = "context",
            ["elements"] = new JsonArray(new JsonObject { ["type"] = "mrkdwn", ["text"] = Mrkdwn(text, SectionTextLimit) }),
        };
    }

    /// <summary>The links as <c>&lt;url|text&gt;</c>; a link too long for the section is left out rather than cut (a cut URL is a wrong one).</summary>
    private static JsonObject? Links(IncidentLinks links)
    {
        var text = new StringBuilder();
        foreach (var (name, href) in links.All)
        {
            var link = $"<{Escape(href).Replace("|", "%7C", StringComparison.Ordinal)}|{name}>";
            if (text.Length + link.Length + 5 <= SectionTextLimit)
            {
                text.Append(text.Length > 0 ? "  ·  " : "").Append(link);
            }
        }

        return text.Length == 0 ? null : new JsonObject
        {
            ["type"] = "section",
            ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = text.ToString() },
        };
    }
}
