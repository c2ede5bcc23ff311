using Analytics.Alerts.Rules.Parsing;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Notifiers.Alertmanager;

/// <summary>PLACEHOLDER: the <c>alertmanager:</c> receiver's settings; replaced by the receiver's implementation.</summary>
internal sealed record AlertmanagerSettings : IReceiverSettings
{
    public string Kind => "alertmanager";

    public IReadOnlyList<SecretRef> Secrets => [];

    public static IReceiverSettings? Parse(YamlContext context, YamlNode node, string key)
    {
        context.Error(node, $"{key}: the alertmanager receiver is not built yet");
        return null;
    }

    public IReceiver Create(string name, ReceiverServices services) => throw new NotSupportedException("alertmanager");
}
