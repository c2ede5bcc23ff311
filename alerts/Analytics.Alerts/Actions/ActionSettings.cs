using Analytics.Alerts.Rules.Parsing;
using YamlDotNet.RepresentationModel;

namespace Analytics.Alerts.Actions;

/// <summary>PLACEHOLDER: the <c>actions:</c> section of the on-call file (guardrails and action endpoints); replaced by the actions' implementation.</summary>
internal sealed record ActionSettings
{
    public static ActionSettings Default { get; } = new();

    public static ActionSettings? Parse(YamlContext context, YamlNode node, string key)
    {
        _ = context;
        _ = node;
        _ = key;
        return Default;
    }
}
