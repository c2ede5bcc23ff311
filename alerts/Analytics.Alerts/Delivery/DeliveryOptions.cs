using Analytics.Common;

namespace Analytics.Alerts.Delivery;

/// <summary>How notifications are retried (section <c>Alerting:Delivery</c>).</summary>
internal sealed record DeliveryOptions
{
    public const string Section = "Alerting:Delivery";

    /// <summary>The first retry's delay; later ones double, with jitter, up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest wait between two attempts, so a receiver that returns is served within this.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A notification still undelivered after this long is given up (status <c>expired</c>, logged as an error).</summary>
    public TimeSpan GiveUpAfter { get; init; } = TimeSpan.FromHours(24);

    /// <summary>How long one request may take before it counts as a transient failure.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public DeliveryOptions Validate()
    {
        const string Component = Section;
        if (RetryDelay < TimeSpan.FromMilliseconds(10))
        {
            throw new OptionsValidationException(Component, nameof(RetryDelay), "must be at least 10 ms", RetryDelay);
        }

        if (MaxRetryDelay < RetryDelay)
        {
            throw new OptionsValidationException(Component, nameof(MaxRetryDelay), "must be at least the retry delay", MaxRetryDelay);
        }

        if (GiveUpAfter < MaxRetryDelay)
        {
            throw new OptionsValidationException(Component, nameof(GiveUpAfter), "must be at least the longest retry delay", GiveUpAfter);
        }

        if (RequestTimeout < TimeSpan.FromMilliseconds(100))
        {
            throw new OptionsValidationException(Component, nameof(RequestTimeout), "must be at least 100 ms", RequestTimeout);
        }

        return this;
    }
}
