using Analytics.Alerts.Rules.Parsing;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Notifiers.Elasticsearch;

/// <summary>PLACEHOLDER: the <c>elasticsearch:</c> receiver's settings; replaced by the receiver's implementation.</summary>
internal sealed record ElasticsearchSettings : IReceiverSettings
{
    public string Kind => "elasticsearch";

    public IReadOnlyList<SecretRef> Secrets => [];

    public static IReceiverSettings? Parse(YamlContext context, YamlNode node, string key)
    {
        context.Error(node, $"{key}: the elasticsearch receiver is not built yet");
        return null;
    }

    public IReceiver Create(string name, ReceiverServices services) => throw new NotSupportedException("elasticsearch");
}
