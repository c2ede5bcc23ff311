namespace Analytics.Alerts.OnCall;

/// <summary>
/// The on-call config cannot start: <see cref="Key"/> names the setting at fault (e.g.
/// <c>receivers[pagerduty-noc].pagerduty.routing_key_env</c>) and the message says what to do.
/// Errors found while parsing are <see cref="Rules.RuleFileException"/>s with file positions instead.
/// </summary>
internal sealed class OnCallConfigException : AlertsException
{
    public OnCallConfigException(string key, string message)
        : base($"{key}: {message}")
    {
        Key = key;
    }

    public string Key { get; }

    // Fixing the config (or the environment) is the only way out.
    public override bool IsTransient => false;
}
