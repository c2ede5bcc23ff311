using Analytics.Alerts.Rules.Parsing;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Notifiers.Slack;

/// <summary>PLACEHOLDER: the <c>slack:</c> receiver's settings; replaced by the receiver's implementation.</summary>
internal sealed record SlackSettings : IReceiverSettings
{
    public string Kind => "slack";

    public IReadOnlyList<SecretRef> Secrets => [];

    public static IReceiverSettings? Parse(YamlContext context, YamlNode node, string key)
    {
        context.Error(node, $"{key}: the slack receiver is not built yet");
        return null;
    }

    public IReceiver Create(string name, ReceiverServices services) => throw new NotSupportedException("slack");
}
