namespace Analytics.Alerts.Notifiers;

/// <summary>
/// A receiver as configured, checked but not started: <c>rules check</c> stops here, the alert service
/// calls <see cref="Create"/>, which reads the secrets (and throws <see cref="OnCall.OnCallConfigException"/> naming the key when one is missing).
/// </summary>
internal interface IReceiverSettings
{
    /// <summary>The kind, as the key under the receiver's entry (<c>pagerduty:</c>, <c>slack:</c>, …).</summary>
    string Kind { get; }

    /// <summary>The secrets it will read, so <c>rules check</c> can warn about those not available here.</summary>
    IReadOnlyList<SecretRef> Secrets { get; }

    IReceiver Create(string name, ReceiverServices services);
}
