using Analytics.Alerts.Rules.Parsing;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Notifiers.Webhook;

/// <summary>PLACEHOLDER: the <c>webhook:</c> receiver's settings; replaced by the receiver's implementation.</summary>
internal sealed record WebhookSettings : IReceiverSettings
{
    public string Kind => "webhook";

    public IReadOnlyList<SecretRef> Secrets => [];

    public static IReceiverSettings? Parse(YamlContext context, YamlNode node, string key)
    {
        context.Error(node, $"{key}: the webhook receiver is not built yet");
        return null;
    }

    public IReceiver Create(string name, ReceiverServices services) => throw new NotSupportedException("webhook");
}
