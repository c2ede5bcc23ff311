using Analytics.Alerts.Notifiers.Alertmanager;
using Analytics.Alerts.Notifiers.Elasticsearch;
using Analytics.Alerts.Notifiers.PagerDuty;
using Analytics.Alerts.Notifiers.Slack;
using Analytics.Alerts.Notifiers.Webhook;
using Analytics.Alerts.Rules.Parsing;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Notifiers;

/// <summary>The receiver kinds the on-call file knows, each with the parser of its settings.</summary>
internal static class ReceiverKinds
{
    /// <summary>Parses a kind's settings at <paramref name="key"/> (e.g. <c>receivers[pd].pagerduty</c>); null after reporting errors.</summary>
    public delegate IReceiverSettings? Parser(YamlContext context, YamlNode node, string key);

    public static IReadOnlyDictionary<string, Parser> All { get; } = new Dictionary<string, Parser>(StringComparer.Ordinal)
    {
        ["pagerduty"] = PagerDutySettings.Parse,
        ["slack"] = SlackSettings.Parse,
        ["alertmanager"] = AlertmanagerSettings.Parse,
        ["webhook"] = WebhookSettings.Parse,
        ["elasticsearch"] = ElasticsearchSettings.Parse,
        ["log"] = LogReceiverSettings.Parse,
    };

    /// <summary>Kinds that take every change of every incident (<see cref="ReceiverScope.Everything"/>), never routed.</summary>
    public static bool ArchivesEverything(IReceiverSettings settings) => settings.Kind == "elasticsearch";
}
