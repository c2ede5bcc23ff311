using Analytics.Alerts.OnCall;
using Analytics.Alerts.Rules.Parsing;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Notifiers.PagerDuty;

/// <summary>
/// The <c>pagerduty:</c> receiver: PagerDuty's Events API v2 through an Events API v2 integration.
/// <code>
/// pagerduty:
///   routing_key_env: PD_ROUTING_KEY   # or routing_key_file: /run/secrets/pd (the integration key)
///   url: https://events.pagerduty.com/v2/enqueue   # the default; events.eu.pagerduty.com for EU accounts
///   source: alerts-01                 # default: this host's name
///   client: Analytics                 # optional: shown as the monitoring tool, linking to client_url
///   client_url: http://grafana:3000
/// </code>
/// </summary>
/// <param name="RoutingKey">The integration key; a secret.</param>
/// <param name="Url">Where events are posted.</param>
/// <param name="Source">The <c>payload.source</c>; null for the host name.</param>
/// <param name="Client">The <c>client</c> field; null for the default.</param>
/// <param name="ClientUrl">The <c>client_url</c> field; null for <c>public_url</c>.</param>
internal sealed record PagerDutySettings(SecretRef RoutingKey, Uri Url, string? Source, string? Client, Uri? ClientUrl) : IReceiverSettings
{
    public static readonly Uri DefaultUrl = new("https://events.pagerduty.com/v2/enqueue");

    private static readonly string[] Keys = [.. ConfigReader.SecretKeys("routing_key"), "url", "source", "client", "client_url"];

    public string Kind => "pagerduty";

    public IReadOnlyList<SecretRef> Secrets => [RoutingKey];

    public static IReceiverSettings? Parse(YamlContext context, YamlNode node, string key)
    {
        var errors = context.Problems.Count(p => p.IsError);
        var config = new ConfigReader(context, node, key, Keys);
        var routingKey = config.Secret("routing_key");
        var url = config.Url("url");
        var source = config.Text("source");
        var client = config.Text("client");
        var clientUrl = config.Url("client_url");
        return routingKey is null || context.Problems.Count(p => p.IsError) > errors
            ? null
            : new PagerDutySettings(routingKey, url ?? DefaultUrl, source, client, clientUrl);
    }

    /// <summary>Reads the routing key; throws <see cref="OnCallConfigException"/> naming its key when it is missing.</summary>
    public IReceiver Create(string name, ReceiverServices services) => new PagerDutyReceiver(name, this, RoutingKey.Resolve(services.Environment), services);
}
