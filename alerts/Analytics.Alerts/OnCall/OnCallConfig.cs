using Analytics.Alerts.Actions;
using Analytics.Alerts.Notifiers;
using Analytics.Alerts.Routing;
using Analytics.Alerts.Rules;

namespace Analytics.Alerts.OnCall;

/// <summary>One configured receiver: its name, its checked settings and where it was written.</summary>
internal sealed record ReceiverConfig(string Name, IReceiverSettings Settings, SourcePosition Position)
{
    public string Kind => Settings.Kind;
}

/// <summary>
/// The on-call file (<c>alerts/oncall.yaml</c>): who hears of incidents (the route tree and the receivers),
/// and the guardrails of automated actions. Loaded and checked by <see cref="OnCallFile"/>.
/// </summary>
internal sealed record OnCallConfig(Route Route, IReadOnlyList<ReceiverConfig> Receivers, ActionSettings Actions, string PublicUrl, string File)
{
    /// <summary>Everything to the log, no actions: what runs when no on-call file is given.</summary>
    public static OnCallConfig LogOnly { get; } = new(
        new Route([], ["log"], false, [], new SourcePosition("(built in)", 1, 1)),
        [new ReceiverConfig("log", new LogReceiverSettings(), new SourcePosition("(built in)", 1, 1))],
        ActionSettings.Default,
        "",
        "(built in)");
}
