using Analytics.Alerts.Rules.Parsing;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Notifiers.PagerDuty;

/// <summary>PLACEHOLDER: the <c>pagerduty:</c> receiver's settings; replaced by the receiver's implementation.</summary>
internal sealed record PagerDutySettings : IReceiverSettings
{
    public string Kind => "pagerduty";

    public IReadOnlyList<SecretRef> Secrets => [];

    public static IReceiverSettings? Parse(YamlContext context, YamlNode node, string key)
    {
        context.Error(node, $"{key}: the pagerduty receiver is not built yet");
        return null;
    }

    public IReceiver Create(string name, ReceiverServices services) => throw new NotSupportedException("pagerduty");
}
